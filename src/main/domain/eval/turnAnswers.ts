import type { Role } from '@shared/roles'
import type { Benchmark } from '@shared/benchmarks'
import { majorityVote } from '../voting/majorityVote'
import type { ResolvedConfiguration } from './EvalConfiguration'
import { rolesOfPipeline } from './EvalConfiguration'
import { configurationPassUnits, debateChain, unitKey } from './WorkUnit'

/**
 * The answer "in play" after each turn of one pass of a configuration (paper Fig. 3), from stored unit results:
 * - generator: the generator's answer;
 * - verifier: the answer the verifier states, else the one in play before it (the generator's): a critique that does
 *   not restate an answer leaves the generator's standing;
 * - refiner: the refiner's answer (none is wrong: answering is the refiner's job);
 * - debate round r: the majority over the agents' round-r answers (ties → the first agent; an agent with no answer
 *   does not vote, and no answer at all is wrong, unlike Du et al.'s `compute_accuracy`, which counts None as correct).
 */

export interface UnitResult {
  seed: number
  questionId: number
  key: string
  /** What the grader extracted from the unit's output; null when nothing. */
  extracted: string | null
  correct: boolean
}

export interface AnswerInPlay {
  answer: string | null
  correct: boolean
}

export interface Turn {
  /** `generator`, `verifier`, `refiner`, or `round<r>` for debate round r (0-based). */
  id: string
  /** `G`, `V`, `R`, or `Round <r + 1>`. */
  label: string
}

const noAnswer: AnswerInPlay = { answer: null, correct: false }

export function turnsOf(configuration: ResolvedConfiguration): Turn[] {
  if (configuration.pipeline === 'debate') {
    return Array.from({ length: configuration.debate!.rounds }, (_, r) => ({ id: `round${r}`, label: `Round ${r + 1}` }))
  }
  return rolesOfPipeline(configuration.pipeline).map((role) => ({ id: role, label: role[0]!.toUpperCase() }))
}

/** The index in {@link turnsOf} whose answer is the configuration's answer. */
export function finalTurnIndex(configuration: ResolvedConfiguration): number {
  if (configuration.pipeline === 'debate') return configuration.debate!.rounds - 1
  return rolesOfPipeline(configuration.pipeline).indexOf(configuration.answerFrom as Role)
}

/** Every unit key the configuration reads for one item (all passes). */
export function keysOfConfiguration(configuration: ResolvedConfiguration): string[] {
  const keys: string[] = []
  for (let pass = 0; pass < configuration.votes; pass++) for (const unit of configurationPassUnits(configuration, pass)) keys.push(unit.key)
  return keys
}

/** One pass's answer in play after each turn, or null when a unit it needs is missing. */
export function turnAnswers(
  configuration: ResolvedConfiguration,
  pass: number,
  resultOf: (key: string) => UnitResult | undefined,
  benchmark: Benchmark
): AnswerInPlay[] | null {
  if (configuration.pipeline === 'debate') {
    const { agents, rounds } = configuration.debate!
    const answers: AnswerInPlay[] = []
    for (let round = 0; round < rounds; round++) {
      const agentAnswers: AnswerInPlay[] = []
      for (let agent = 0; agent < agents; agent++) {
        const result = resultOf(unitKey(pass, debateChain(agents, configuration.resolved.generator, agent, round)))
        if (!result) return null
        agentAnswers.push(inPlay(result))
      }
      answers.push(voteAnswers(agentAnswers, benchmark))
    }
    return answers
  }

  const answers: AnswerInPlay[] = []
  for (const unit of configurationPassUnits(configuration, pass)) {
    const result = resultOf(unit.key)
    if (!result) return null
    const role = unit.stage.kind === 'role' ? unit.stage.role : 'generator'
    const previous = answers[answers.length - 1]
    answers.push(role === 'verifier' && result.extracted === null && previous ? previous : inPlay(result))
  }
  return answers
}

/**
 * Majority vote over answers in play (MV@k over passes, or over debate agents): the winner is the first answer of the
 * largest group (ties → the group voted first), and it is correct when that answer was graded correct. Answers in
 * one group are equal under the benchmark's answer key, so they share their grade.
 */
export function voteAnswers(answers: readonly AnswerInPlay[], benchmark: Benchmark): AnswerInPlay {
  if (answers.length === 1) return answers[0]!
  const vote = majorityVote(
    answers.map((a) => a.answer),
    { benchmark }
  )
  const first = vote.winnerIndices[0]
  return first === undefined ? noAnswer : answers[first]!
}

function inPlay(result: UnitResult): AnswerInPlay {
  return result.extracted === null ? noAnswer : { answer: result.extracted, correct: result.correct }
}
