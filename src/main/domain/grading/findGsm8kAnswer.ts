import type { AnswerExtraction, ExtractionSource } from '@shared/grading/AnswerExtraction'
import { formatExactNumber, parseExactNumber } from './ExactNumber'
import { isStepLabel } from './isStepLabel'
import { locateAnswerSpans } from './locateAnswerSpans'

/**
 * A number as models write it: `-3`, `-$5`, `1,200.50` (strict thousands groups), `.5`, `3/4`, or a LaTeX fraction
 * of integers `\frac{3}{4}`. The look-behind keeps `5-3` from reading as `-3` and `x2` from reading as `2`.
 */
const numberPattern =
  /\\[dt]?frac\s*\{\s*(-?\d+)\s*\}\s*\{\s*(\d+)\s*\}|(?<![\w.])[-−]?\$?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s*\/\s*\d+(?![\d.]))?|\.\d+)/g

/**
 * The answer of a GSM8K (or GSM-Symbolic) output as a canonical number string (see {@link formatExactNumber}), where
 * it was found, or null when the output has no number.
 *
 * Takes the last answer span (`Final Answer: …` or, for debate outputs, `\boxed{…}`) that holds a number: the first
 * number in it, or when it holds an equation (`Final Answer: 100 - 75 = 25`) the number after the last `=`. Without
 * such a span, the last number in the whole output (source `lastValue`). `$`, thousands commas, units, markdown and
 * trailing periods are dropped: `**Final Answer: $1,200.50 dollars.**` gives `1200.5`. A step label ("Step 4") is
 * never the answer.
 *
 * Fractions (`3/4`, `\frac{3}{4}`) are read exactly and written as a decimal when it terminates (`0.75`), else as
 * `2/3`; GSM8K golds are integers or short decimals, so a non-terminating fraction never matches one. Mixed numbers
 * (`2 1/2`) are not recognised: the `1/2` is read.
 */
export function findGsm8kAnswer(output: string): AnswerExtraction | null {
  const spans = locateAnswerSpans(output)
  for (let i = spans.length - 1; i >= 0; i--) {
    const span = spans[i]!
    const equals = span.text.lastIndexOf('=')
    const afterEquals = equals < 0 ? [] : numbersIn(output, span.start + equals + 1, span.end)
    const found = afterEquals[0] ?? numbersIn(output, span.start, span.end)[0]
    if (found) return { ...found, source: span.kind as ExtractionSource }
  }
  const last = numbersIn(output, 0, output.length).at(-1)
  return last ? { ...last, source: 'lastValue' } : null
}

/** The numbers in `output` between `start` and `end`, in order, step labels left out. */
function numbersIn(output: string, start: number, end: number): Omit<AnswerExtraction, 'source'>[] {
  const found: Omit<AnswerExtraction, 'source'>[] = []
  const text = output.slice(start, end)
  for (const match of text.matchAll(numberPattern)) {
    const at = start + match.index
    if (isStepLabel(output, at)) continue
    const token = match[1] !== undefined ? `${match[1]}/${match[2]}` : match[0]
    const n = parseExactNumber(token.replace(/[\s$]+/g, ''))
    if (n) found.push({ answer: formatExactNumber(n), start: at, end: at + match[0].length })
  }
  return found
}
