import type { Benchmark } from '@shared/benchmarks'
import { exactNumbersEqual, parseExactNumber } from './ExactNumber'
import { isMathEquivalent } from './isMathEquivalent'
import { lastBoxedContent } from './locateAnswerSpans'
import { parseGsm8kGold } from './parseGsm8kGold'

/**
 * Whether an already extracted answer matches the gold answer: the reward R(a, a_GT) of the paper (§4.2),
 * 1 on a match and 0 otherwise. A null answer (nothing extracted, or an all-abstain vote) is never correct.
 *
 * Gold forms: gsm8k takes GSM8K's `answer` field (`… #### 18`) or a bare number, compared exactly as
 * fractions (`0.5` = `.50`); math takes the answer LaTeX, or a whole solution whose last `\boxed{}` is used;
 * csqa takes a letter (`D`, `(D)`), compared case-insensitively.
 */
export function isCorrectAnswer(benchmark: Benchmark, extracted: string | null, gold: string): boolean {
  if (extracted === null) return false
  switch (benchmark) {
    case 'gsm8k': {
      const goldNumber = parseGsm8kGold(gold)
      const predicted = parseExactNumber(extracted)
      if (goldNumber === null || predicted === null) return false
      return exactNumbersEqual(predicted, parseExactNumber(goldNumber)!)
    }
    case 'math':
      return isMathEquivalent(extracted, mathGold(gold))
    case 'csqa': {
      const letter = csqaGold(gold)
      return letter !== null && extracted.trim().toUpperCase() === letter
    }
  }
}

export function mathGold(gold: string): string {
  return gold.includes('\\boxed') || gold.includes('\\fbox') ? (lastBoxedContent(gold) ?? gold) : gold
}

export function csqaGold(gold: string): string | null {
  const match = /^\W*([A-Ea-e])\W*$/.exec(gold.trim())
  return match ? match[1]!.toUpperCase() : null
}
