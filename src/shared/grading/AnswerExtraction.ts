/**
 * Where a grader found the answer in a model's output, so a user can see what was taken and from where.
 *
 * The sources, in the order the MATH extractor tries them (GSM8K and CommonsenseQA use the first two and their own
 * fallbacks):
 * - `boxed`: the content of a `\boxed{…}` or `\fbox{…}`;
 * - `finalAnswer`: a `Final Answer: …` line (the role prompts' format);
 * - `finalAnswerIs`: "The final answer is … I hope it is correct." (Minerva's format);
 * - `math`: the last math in `$…$`, `$$…$$`, `\(…\)` or `\[…\]`;
 * - `answerIs`: "the answer is X" (CommonsenseQA's fallback);
 * - `lastValue`: the last number or expression in the text, or the whole text when it is a bare answer.
 *
 * The first three are answers the output *states* in an answer format; the others are guesses from free text.
 */
export const extractionSources = ['boxed', 'finalAnswer', 'finalAnswerIs', 'math', 'answerIs', 'lastValue'] as const

export type ExtractionSource = (typeof extractionSources)[number]

export interface AnswerExtraction {
  /** The answer as the grader reads it: LaTeX for math, the canonical number for gsm8k, the letter for csqa. */
  answer: string
  source: ExtractionSource
  /** Offsets in the output of the text the answer was read from (`output.slice(start, end)`). */
  start: number
  end: number
}

const statedSources: ReadonlySet<ExtractionSource> = new Set(['boxed', 'finalAnswer', 'finalAnswerIs'])

/**
 * Whether the answer was stated in an answer format (`\boxed{}`, `Final Answer:`, "The final answer is"): a
 * verifier's turn counts only such an answer (paper §4–5), not a number that its critique happens to end with.
 */
export function isStatedAnswer(source: ExtractionSource): boolean {
  return statedSources.has(source)
}

/** The sources in words, for the UI and the CLI ("from the …"). */
export const extractionSourceLabels: Readonly<Record<ExtractionSource, string>> = {
  boxed: '\\boxed{…}',
  finalAnswer: 'Final Answer line',
  finalAnswerIs: '"The final answer is …" sentence',
  math: 'last math in $…$',
  answerIs: '"the answer is …" phrase',
  lastValue: 'last value in the text (no answer format)'
}
