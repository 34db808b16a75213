import { findMathAnswer } from './findMathAnswer'

/** The answer of a MATH output as the LaTeX the model wrote, or null: {@link findMathAnswer} without the where. */
export function extractMathAnswer(output: string): string | null {
  return findMathAnswer(output)?.answer ?? null
}
