import type { Benchmark } from '@shared/benchmarks'
import { extractCsqaAnswer } from './extractCsqaAnswer'
import { extractGsm8kAnswer } from './extractGsm8kAnswer'
import { extractMathAnswer } from './extractMathAnswer'
import { isCorrectAnswer } from './isCorrectAnswer'

export interface GradeResult {
  /** What the grader read as the answer (canonical number for gsm8k, LaTeX for math, letter for csqa). */
  extracted: string | null
  correct: boolean
}

/**
 * Grades one model output: the paper's fixed deterministic extractor T(r) followed by the exact-match
 * reward (§4.1–4.2). See {@link extractAnswer} and {@link isCorrectAnswer} for the rules.
 *
 * @param choices csqa only: the five choice texts, so an answer written out in words maps to its letter.
 */
export function gradeAnswer(
  benchmark: Benchmark,
  output: string,
  gold: string,
  choices?: readonly string[]
): GradeResult {
  const extracted = extractAnswer(benchmark, output, choices)
  return { extracted, correct: isCorrectAnswer(benchmark, extracted, gold) }
}

/** The answer a benchmark's extractor reads from an output, or null. */
export function extractAnswer(benchmark: Benchmark, output: string, choices?: readonly string[]): string | null {
  switch (benchmark) {
    case 'gsm8k':
      return extractGsm8kAnswer(output)
    case 'math':
      return extractMathAnswer(output)
    case 'csqa':
      return extractCsqaAnswer(output, choices)
  }
}
