import { findGsm8kAnswer } from './findGsm8kAnswer'

/** The answer of a GSM8K output as a canonical number string, or null: {@link findGsm8kAnswer} without the where. */
export function extractGsm8kAnswer(output: string): string | null {
  return findGsm8kAnswer(output)?.answer ?? null
}
