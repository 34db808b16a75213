import type { Benchmark } from '@shared/benchmarks'
import type { ResolvedConfiguration } from './EvalConfiguration'
import { meanAndStd, type MeanAndStd } from './meanAndStd'
import type { EvaluationPlan } from './planEvaluation'
import type { AnswerInPlay, Turn, UnitResult } from './turnAnswers'
import { finalTurnIndex, keysOfConfiguration, turnAnswers, turnsOf, voteAnswers } from './turnAnswers'

/**
 * Everything the paper reports for an evaluation, computed from the stored unit results alone (paper §5):
 * - per configuration, item and seed the final answer (MV over the passes' answers when votes > 1) and its grade;
 * - accuracy per seed and mean ± std across seeds (Tables 1–5; population std, see `meanAndStd`);
 * - accuracy per turn G → V → R, with MV over the passes at each turn (Fig. 3), and per round for a debate;
 * - wrong→right and right→wrong flips of each turn over the one before (Fig. 2), on the same voted answers;
 * - accuracy against the number of votes, k = 1 … votes, voting over the first k passes.
 *
 * Items a configuration cannot answer yet (a unit missing, e.g. while the evaluation runs) are left out of all of its
 * numbers and counted in `incompleteItems`, so every number of a configuration is over the same items.
 * Accuracies are percentages (0–100), as the paper prints them.
 */

export interface AggregateEvaluationOptions {
  /** Groups answers for the votes the way this benchmark's grader compares them (`majorityVote`). */
  benchmark: Benchmark
}

export interface ItemOutcome {
  seed: number
  questionId: number
  /** The configuration's answer (voted when votes > 1); null when no pass gave one. */
  answer: string | null
  correct: boolean
  /** Each pass's answer, before the vote. */
  passes: AnswerInPlay[]
}

export interface SeedAccuracy {
  seed: number
  correct: number
  /** Complete items of this seed. */
  total: number
  /** 100 × correct / total; null when no item of the seed is complete. */
  accuracy: number | null
}

/** Accuracy per seed, and mean ± std over the seeds that have an accuracy. */
export interface SeedStatistics extends MeanAndStd {
  perSeed: SeedAccuracy[]
}

export interface TurnAccuracy extends Turn {
  accuracy: SeedStatistics
}

export interface FlipCounts {
  wrongToRight: number
  rightToWrong: number
  stayedRight: number
  stayedWrong: number
}

/** How one turn changed the voted answers of the turn before it. */
export interface TurnFlips {
  from: Turn
  to: Turn
  perSeed: (FlipCounts & { seed: number })[]
  total: FlipCounts
}

export interface VotesAccuracy {
  votes: number
  accuracy: SeedStatistics
}

export interface ConfigurationSummary {
  configuration: ResolvedConfiguration
  accuracy: SeedStatistics
  /** Complete items, in plan order. */
  items: ItemOutcome[]
  incompleteItems: number
  turns: TurnAccuracy[]
  /** One entry per turn after the first; empty for a one-stage pipeline. */
  flips: TurnFlips[]
  /** k = 1 … votes; its last entry is `accuracy`. */
  byVotes: VotesAccuracy[]
}

export interface EvaluationSummary {
  benchmark: Benchmark
  configurations: ConfigurationSummary[]
}

export function aggregateEvaluation(
  plan: Pick<EvaluationPlan, 'configurations' | 'seeds' | 'items'>,
  results: Iterable<UnitResult>,
  options: AggregateEvaluationOptions
): EvaluationSummary {
  const byItem = new Map<string, Map<string, UnitResult>>()
  for (const result of results) {
    const id = itemId(result.seed, result.questionId)
    let units = byItem.get(id)
    if (!units) byItem.set(id, (units = new Map()))
    units.set(result.key, result)
  }
  const seeds = plan.seeds.map((s) => s.seed)
  return {
    benchmark: options.benchmark,
    configurations: plan.configurations.map((configuration) => summarize(configuration, plan.items, byItem, seeds, options.benchmark))
  }
}

function summarize(
  configuration: ResolvedConfiguration,
  items: EvaluationPlan['items'],
  byItem: ReadonlyMap<string, ReadonlyMap<string, UnitResult>>,
  seeds: readonly number[],
  benchmark: Benchmark
): ConfigurationSummary {
  const turns = turnsOf(configuration)
  const finalTurn = finalTurnIndex(configuration)
  const keys = keysOfConfiguration(configuration)

  // For each complete item: every pass's answer in play after every turn.
  const complete: { seed: number; questionId: number; passes: AnswerInPlay[][] }[] = []
  let incompleteItems = 0
  for (const item of items) {
    const units = byItem.get(itemId(item.seed, item.questionId))
    if (!units || keys.some((key) => !units.has(key))) {
      incompleteItems++
      continue
    }
    const passes = Array.from({ length: configuration.votes }, (_, pass) => turnAnswers(configuration, pass, (key) => units.get(key), benchmark)!)
    complete.push({ seed: item.seed, questionId: item.questionId, passes })
  }

  // The voted answer of every complete item at a turn, over the first `votes` passes.
  const voted = (turn: number, votes: number): AnswerInPlay[] =>
    complete.map((item) => voteAnswers(item.passes.slice(0, votes).map((answers) => answers[turn]!), benchmark))
  const statistics = (answers: readonly AnswerInPlay[]): SeedStatistics => {
    const perSeed = seeds.map((seed) => {
      let correct = 0
      let total = 0
      complete.forEach((item, index) => {
        if (item.seed !== seed) return
        total++
        if (answers[index]!.correct) correct++
      })
      return { seed, correct, total, accuracy: total === 0 ? null : (100 * correct) / total }
    })
    const accuracies = perSeed.flatMap((s) => (s.accuracy === null ? [] : [s.accuracy]))
    return { perSeed, ...meanAndStd(accuracies) }
  }

  const atTurn = turns.map((_, turn) => voted(turn, configuration.votes))
  const final = atTurn[finalTurn]!
  const flips: TurnFlips[] = []
  for (let turn = 1; turn < turns.length; turn++) {
    const before = atTurn[turn - 1]!
    const after = atTurn[turn]!
    const perSeed = seeds.map((seed) => ({ seed, ...countFlips(complete.map((item, index) => (item.seed === seed ? index : -1)).filter((i) => i >= 0), before, after) }))
    flips.push({ from: turns[turn - 1]!, to: turns[turn]!, perSeed, total: countFlips(complete.map((_, index) => index), before, after) })
  }

  return {
    configuration,
    accuracy: statistics(final),
    items: complete.map((item, index) => ({
      seed: item.seed,
      questionId: item.questionId,
      answer: final[index]!.answer,
      correct: final[index]!.correct,
      passes: item.passes.map((answers) => answers[finalTurn]!)
    })),
    incompleteItems,
    turns: turns.map((turn, index) => ({ ...turn, accuracy: statistics(atTurn[index]!) })),
    flips,
    byVotes: Array.from({ length: configuration.votes }, (_, index) => ({
      votes: index + 1,
      accuracy: statistics(index + 1 === configuration.votes ? final : voted(finalTurn, index + 1))
    }))
  }
}

function countFlips(indices: readonly number[], before: readonly AnswerInPlay[], after: readonly AnswerInPlay[]): FlipCounts {
  const counts: FlipCounts = { wrongToRight: 0, rightToWrong: 0, stayedRight: 0, stayedWrong: 0 }
  for (const index of indices) {
    const was = before[index]!.correct
    const is = after[index]!.correct
    if (was && is) counts.stayedRight++
    else if (was) counts.rightToWrong++
    else if (is) counts.wrongToRight++
    else counts.stayedWrong++
  }
  return counts
}

function itemId(seed: number, questionId: number): string {
  return `${seed}:${questionId}`
}
