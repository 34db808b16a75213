import type { Benchmark } from '@shared/benchmarks'
import { isStatedAnswer, type AnswerExtraction } from '@shared/grading/AnswerExtraction'
import { compareMathAnswers, type CompareMathOptions } from './compareMathAnswers'
import { exactNumbersEqual, parseExactNumber } from './ExactNumber'
import { findCsqaAnswer } from './extractCsqaAnswer'
import { findGsm8kAnswer } from './findGsm8kAnswer'
import { findMathAnswer } from './findMathAnswer'
import { csqaGold, mathGold } from './isCorrectAnswer'
import { parseGsm8kGold } from './parseGsm8kGold'

export interface GradeResult {
  /** What the grader read as the answer (canonical number for gsm8k, LaTeX for math, letter for csqa). */
  extracted: string | null
  correct: boolean
}

/** A {@link GradeResult} with what was taken from where, and the verdict's reason in words. */
export interface GradedOutput extends GradeResult {
  extraction: AnswerExtraction | null
  /** Why the answer is right or wrong: "equal as numbers", "no answer found in the output", … */
  reason: string
}

export interface GradeOptions {
  /** csqa only: the five choice texts, so an answer written out in words maps to its letter. */
  choices?: readonly string[]
  /**
   * Only an answer stated in an answer format counts (`\boxed{}`, `Final Answer:`, "The final answer is"); a number
   * a critique ends with is no answer. For the verifier's turn (paper §4–5). Defaults to `false`.
   */
  statedOnly?: boolean
  /** The MATH comparison's options (its time limit). */
  math?: CompareMathOptions
}

/**
 * Grades one model output: the paper's fixed deterministic extractor T(r) followed by the exact-match reward
 * (§4.1–4.2). Never throws: an answer that cannot be read or compared is wrong, with the reason.
 */
export function gradeOutput(benchmark: Benchmark, output: string, gold: string, options: GradeOptions = {}): GradedOutput {
  let extraction = findAnswer(benchmark, output, options.choices)
  let unstated: AnswerExtraction | null = null
  if (extraction && options.statedOnly && !isStatedAnswer(extraction.source)) {
    unstated = extraction
    extraction = null
  }
  if (!extraction) {
    const reason = unstated
      ? `no answer stated in the answer format (the text's last value ${JSON.stringify(unstated.answer)} does not count)`
      : 'no answer found in the output'
    return { extracted: null, correct: false, extraction: null, reason }
  }
  const verdict = judge(benchmark, extraction.answer, gold, options.math)
  return { extracted: extraction.answer, correct: verdict.correct, extraction, reason: verdict.reason }
}

/**
 * {@link gradeOutput} as `{ extracted, correct }`.
 *
 * @param choices csqa only: the five choice texts, so an answer written out in words maps to its letter.
 */
export function gradeAnswer(benchmark: Benchmark, output: string, gold: string, choices?: readonly string[]): GradeResult {
  const { extracted, correct } = gradeOutput(benchmark, output, gold, choices ? { choices } : {})
  return { extracted, correct }
}

/** The answer a benchmark's extractor reads from an output, or null. */
export function extractAnswer(benchmark: Benchmark, output: string, choices?: readonly string[]): string | null {
  return findAnswer(benchmark, output, choices)?.answer ?? null
}

/** The answer a benchmark's extractor reads from an output, with where it was found, or null. */
export function findAnswer(benchmark: Benchmark, output: string, choices?: readonly string[]): AnswerExtraction | null {
  switch (benchmark) {
    case 'gsm8k':
      return findGsm8kAnswer(output)
    case 'math':
      return findMathAnswer(output)
    case 'csqa':
      return findCsqaAnswer(output, choices)
  }
}

function judge(benchmark: Benchmark, extracted: string, gold: string, math: CompareMathOptions | undefined): { correct: boolean; reason: string } {
  switch (benchmark) {
    case 'gsm8k': {
      const goldNumber = parseGsm8kGold(gold)
      if (goldNumber === null) return { correct: false, reason: 'the gold answer has no number' }
      const predicted = parseExactNumber(extracted)
      if (predicted === null) return { correct: false, reason: `${JSON.stringify(extracted)} is not a number` }
      const correct = exactNumbersEqual(predicted, parseExactNumber(goldNumber)!)
      return { correct, reason: correct ? 'equal as numbers' : `${extracted} is not ${goldNumber}` }
    }
    case 'math': {
      const { equivalent, reason } = compareMathAnswers(extracted, mathGold(gold), math)
      return { correct: equivalent, reason }
    }
    case 'csqa': {
      const letter = csqaGold(gold)
      if (letter === null) return { correct: false, reason: 'the gold answer is not a letter A-E' }
      const correct = extracted.trim().toUpperCase() === letter
      return { correct, reason: correct ? 'the same choice' : `${extracted} is not ${letter}` }
    }
  }
}
