import { compareMathAnswers, type CompareMathOptions } from './compareMathAnswers'

/**
 * Whether a predicted MATH answer is equivalent to the gold one: {@link compareMathAnswers} without the reason.
 * Never throws; a null or empty prediction is never equivalent.
 */
export function isMathEquivalent(prediction: string | null | undefined, gold: string | null | undefined, options?: CompareMathOptions): boolean {
  return compareMathAnswers(prediction, gold, options).equivalent
}
