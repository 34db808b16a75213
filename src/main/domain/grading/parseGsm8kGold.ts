import { formatExactNumber, parseExactNumber } from './ExactNumber'

/**
 * The gold answer of a GSM8K record as a canonical number string (the same form
 * {@link extractGsm8kAnswer} returns), or null when there is none.
 *
 * Accepts GSM8K's `answer` field (a worked solution whose last line is `#### <number>`; the last `####` is
 * used) or a bare number (`"18"`, `"1,200"`, `"$5.50"`, `"-3"`), as GSM-Symbolic and hand-written files have.
 */
export function parseGsm8kGold(answerField: string): string | null {
  const marker = answerField.lastIndexOf('####')
  const raw = marker >= 0 ? answerField.slice(marker + 4) : answerField
  const cleaned = raw
    .trim()
    .replace(/\\?\$/g, '')
    .replace(/\s+/g, '')
    .replace(/\.$/, '')
  const n = parseExactNumber(cleaned)
  return n ? formatExactNumber(n) : null
}
