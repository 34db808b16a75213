import { AppError } from '@shared/errors'
import type { ConfigurationSummary, EvaluationSummary, ItemOutcome } from './aggregateEvaluation'

/**
 * Per-item differences between two evaluations (or two configurations of one: pass the same summary twice), for the
 * "compare two evaluations" view: which items one gets right and the other wrong. Items are matched by (seed,
 * question), so the two should share their seeds and subsets (same seeds, subset size and questions); items only one
 * side has complete are counted, not compared.
 */

export interface CompareEvaluationsOptions {
  /** (configuration id in A, configuration id in B) pairs. Defaults to every id both have, in A's order. */
  pairs?: readonly (readonly [string, string])[]
}

export interface ItemDifference {
  seed: number
  questionId: number
  answerA: string | null
  answerB: string | null
}

export interface ConfigurationComparison {
  configurationA: string
  configurationB: string
  /** Items complete on both sides. */
  shared: number
  bothRight: number
  bothWrong: number
  /** Right in A, wrong in B, in A's item order. */
  rightInAOnly: ItemDifference[]
  /** Right in B, wrong in A, in A's item order. */
  rightInBOnly: ItemDifference[]
  /** Items complete only in A / only in B. */
  onlyInA: number
  onlyInB: number
}

export function compareEvaluations(
  a: EvaluationSummary,
  b: EvaluationSummary,
  options: CompareEvaluationsOptions = {}
): ConfigurationComparison[] {
  const find = (summary: EvaluationSummary, id: string, side: string): ConfigurationSummary => {
    const found = summary.configurations.find((c) => c.configuration.id === id)
    if (!found) throw new AppError('invalid_input', `evaluation ${side} has no configuration '${id}'`, { field: 'pairs' })
    return found
  }
  const pairs =
    options.pairs ??
    a.configurations
      .map((c) => c.configuration.id)
      .filter((id) => b.configurations.some((c) => c.configuration.id === id))
      .map((id) => [id, id] as const)

  return pairs.map(([idA, idB]) => {
    const itemsB = new Map<string, ItemOutcome>(find(b, idB, 'B').items.map((item) => [`${item.seed}:${item.questionId}`, item]))
    const comparison: ConfigurationComparison = {
      configurationA: idA,
      configurationB: idB,
      shared: 0,
      bothRight: 0,
      bothWrong: 0,
      rightInAOnly: [],
      rightInBOnly: [],
      onlyInA: 0,
      onlyInB: 0
    }
    for (const itemA of find(a, idA, 'A').items) {
      const key = `${itemA.seed}:${itemA.questionId}`
      const itemB = itemsB.get(key)
      if (!itemB) {
        comparison.onlyInA++
        continue
      }
      itemsB.delete(key)
      comparison.shared++
      const difference = { seed: itemA.seed, questionId: itemA.questionId, answerA: itemA.answer, answerB: itemB.answer }
      if (itemA.correct && itemB.correct) comparison.bothRight++
      else if (itemA.correct) comparison.rightInAOnly.push(difference)
      else if (itemB.correct) comparison.rightInBOnly.push(difference)
      else comparison.bothWrong++
    }
    comparison.onlyInB = itemsB.size
    return comparison
  })
}
