import type { Benchmark } from '@shared/benchmarks'
import { answerKey } from '../grading/answerKey'
import { isMathEquivalent } from '../grading/isMathEquivalent'

/**
 * Majority vote over the answers of k samples (MV@3 in the paper, §5: three G→V→R passes per question).
 *
 * Answers are grouped by a canonical key (for a benchmark, {@link answerKey}); for MATH, an answer whose key
 * is new also joins the first earlier group that {@link isMathEquivalent} says it equals (`\sqrt{8}` and
 * `2\sqrt{2}`). The most frequent group wins; a tie goes to the group whose first vote came earliest, as in
 * Du et al.'s `most_frequent`. A null answer (nothing extracted) is an abstention, never a vote, and when
 * every sample abstains the winner is null, which no grader counts as correct.
 */
export function majorityVote(
  answers: readonly (string | null | undefined)[],
  options: MajorityVoteOptions = {}
): MajorityVoteResult {
  const keyOf = options.keyOf ?? (options.benchmark ? (a: string) => answerKey(options.benchmark!, a) : identity)
  const areEquivalent = options.areEquivalent ?? (options.benchmark === 'math' ? isMathEquivalent : undefined)

  const groups: VoteGroup[] = []
  const groupByKey = new Map<string, VoteGroup>()
  const abstentions: number[] = []

  answers.forEach((answer, index) => {
    if (answer === null || answer === undefined) {
      abstentions.push(index)
      return
    }
    const key = keyOf(answer)
    let group = groupByKey.get(key)
    if (!group && areEquivalent) {
      group = groups.find((g) => areEquivalent(answer, g.answer))
      if (group) groupByKey.set(key, group) // later answers with this key skip the comparisons
    }
    if (!group) {
      group = { key, answer, count: 0, sampleIndices: [] }
      groups.push(group)
      groupByKey.set(key, group)
    }
    group.count++
    group.sampleIndices.push(index)
  })

  // Groups are in order of first vote, so the first maximal group is the earliest among the tied.
  let winner: VoteGroup | null = null
  for (const group of groups) if (!winner || group.count > winner.count) winner = group

  return {
    winner: winner?.answer ?? null,
    winnerKey: winner?.key ?? null,
    winnerIndices: winner ? [...winner.sampleIndices] : [],
    groups,
    abstentions
  }
}

export interface MajorityVoteOptions {
  /**
   * Groups answers the way this benchmark's grader compares them: {@link answerKey}, plus
   * {@link isMathEquivalent} for `math`. Without it (and without `keyOf`), answers group by exact text.
   */
  benchmark?: Benchmark
  /** Overrides the grouping key. Defaults to `answerKey(benchmark, answer)`, or the answer itself. */
  keyOf?: (answer: string) => string
  /**
   * Merges an answer with a new key into an earlier group it is equivalent to (compared with each group's
   * first answer). Defaults to {@link isMathEquivalent} for `math`, none otherwise.
   */
  areEquivalent?: (a: string, b: string) => boolean
}

export interface VoteGroup {
  /** The key of the group's first answer. */
  key: string
  /** The group's first answer, as extracted: what the vote returns if this group wins. */
  answer: string
  count: number
  /** Indices (into the voted answers) of the samples in this group, ascending. */
  sampleIndices: number[]
}

export interface MajorityVoteResult {
  /** The winning group's first answer; null when every sample abstained. */
  winner: string | null
  winnerKey: string | null
  /** The samples that voted for the winner, ascending; empty when the winner is null. */
  winnerIndices: number[]
  /** Every group, in order of its first vote. */
  groups: VoteGroup[]
  /** The samples with no answer, ascending. */
  abstentions: number[]
}

function identity(answer: string): string {
  return answer
}
