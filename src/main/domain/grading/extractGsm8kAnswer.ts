import { formatExactNumber, parseExactNumber } from './ExactNumber'
import { locateAnswerSpans } from './locateAnswerSpans'

/**
 * A number as models write it: `-3`, `-$5`, `1,200.50` (strict thousands groups), `.5`, `3/4`. The look-behind
 * keeps `5-3` from reading as `-3` and `x2` from reading as `2`.
 */
const numberPattern = /(?<![\w.])[-−]?\$?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s*\/\s*\d+(?![\d.]))?|\.\d+)/g

/**
 * The answer of a GSM8K (or GSM-Symbolic) output as a canonical number string (see
 * {@link formatExactNumber}), or null when the output has no number.
 *
 * Takes the last answer span (`Final Answer: …` or, for debate outputs, `\boxed{…}`), then the first number
 * in it; when that span holds an equation (`Final Answer: 100 - 75 = 25`) the number after the last `=`.
 * Without a span that holds a number, the last number in the whole output. `$`, thousands commas, units,
 * markdown and trailing periods are dropped: `**Final Answer: $1,200.50 dollars.**` gives `1200.5`.
 *
 * Fractions (`3/4`, `\frac{3}{4}`) are read exactly and written as a decimal when it terminates (`0.75`),
 * else as `2/3`; GSM8K golds are integers or short decimals, so a non-terminating fraction never matches
 * one. Mixed numbers (`2 1/2`) are not recognised: the `1/2` is read.
 */
export function extractGsm8kAnswer(output: string): string | null {
  const spans = locateAnswerSpans(output)
  for (let i = spans.length - 1; i >= 0; i--) {
    const value = firstNumber(afterLastEquals(spans[i]!.text))
    if (value !== null) return value
  }
  return lastNumber(output)
}

function afterLastEquals(text: string): string {
  const at = text.lastIndexOf('=')
  if (at < 0) return text
  const after = text.slice(at + 1)
  // `search` ignores the pattern's global state, unlike `test`.
  return fractionsToSlashes(after).search(numberPattern) >= 0 ? after : text
}

function firstNumber(text: string): string | null {
  const match = fractionsToSlashes(text).match(numberPattern)
  return match ? toCanonical(match[0]) : null
}

function lastNumber(text: string): string | null {
  const matches = fractionsToSlashes(text).match(numberPattern)
  return matches ? toCanonical(matches.at(-1)!) : null
}

function fractionsToSlashes(text: string): string {
  return text.replace(/\\[dt]?frac\s*\{\s*(-?\d+)\s*\}\s*\{\s*(\d+)\s*\}/g, '$1/$2')
}

function toCanonical(token: string): string | null {
  const n = parseExactNumber(token.replace(/[\s$]+/g, ''))
  return n ? formatExactNumber(n) : null
}
