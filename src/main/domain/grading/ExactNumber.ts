/**
 * Exact rational numbers for grading. GSM8K answers and most MATH answers are integers, decimals or
 * fractions, and comparing them as reduced fractions of BigInts makes `0.5`, `.50`, `1/2` and `\frac{1}{2}`
 * equal without any float tolerance, while `0.333` and `1/3` stay different (as in Hendrycks' grader).
 */
export interface ExactNumber {
  /** Carries the sign. */
  readonly numerator: bigint
  /** Always positive; the fraction is reduced. */
  readonly denominator: bigint
}

// Longer inputs are not plausible answers; the cap keeps BigInt work trivially small.
const maxLength = 200

const decimalPattern = /^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d+))?$/
const slashPattern = /^([+-]?)(\d+)\/(\d+)$/
const latexFracPattern = /^([+-]?)\\[dt]?frac\s*\{\s*([+-]?[\d.]+)\s*\}\s*\{\s*([+-]?[\d.]+)\s*\}$/

/**
 * Reads an integer (`-3`, `1,200` with strict thousands groups), a decimal (`0.5`, `.5`, `-1,200.50`),
 * a slash fraction (`3/4`) or a LaTeX fraction of numbers (`\frac{3}{4}`, `-\dfrac{1.5}{2}`).
 * Returns null for anything else, including a zero denominator.
 */
export function parseExactNumber(text: string): ExactNumber | null {
  const s = text.trim().replace(/[−–]/g, '-')
  if (s.length === 0 || s.length > maxLength) return null

  const frac = latexFracPattern.exec(s) ?? slashPattern.exec(s)
  if (frac) {
    const top = parseExactNumber(frac[2]!)
    const bottom = parseExactNumber(frac[3]!)
    if (!top || !bottom || bottom.numerator === 0n) return null
    const sign = frac[1] === '-' ? -1n : 1n
    return makeExactNumber(sign * top.numerator * bottom.denominator, top.denominator * bottom.numerator)
  }

  const dec = decimalPattern.exec(s)
  if (!dec || (dec[2] === undefined && dec[3] === undefined)) return null
  const whole = (dec[2] ?? '0').replace(/,/g, '')
  const fraction = dec[3] ?? ''
  const sign = dec[1] === '-' ? -1n : 1n
  return makeExactNumber(sign * BigInt(whole + fraction), 10n ** BigInt(fraction.length))
}

export function makeExactNumber(numerator: bigint, denominator: bigint): ExactNumber {
  if (denominator === 0n) throw new RangeError('denominator is 0')
  if (denominator < 0n) {
    numerator = -numerator
    denominator = -denominator
  }
  const g = gcd(numerator < 0n ? -numerator : numerator, denominator)
  return { numerator: numerator / g, denominator: denominator / g }
}

export function exactNumbersEqual(a: ExactNumber, b: ExactNumber): boolean {
  return a.numerator === b.numerator && a.denominator === b.denominator
}

/**
 * The canonical text of a number: a plain decimal when the fraction terminates (`1200.5`, `-3`, `0.75`),
 * else `numerator/denominator` (`2/3`). Equal numbers always format the same, so this is a vote key.
 */
export function formatExactNumber(n: ExactNumber): string {
  let d = n.denominator
  let twos = 0
  let fives = 0
  while (d % 2n === 0n) {
    d /= 2n
    twos++
  }
  while (d % 5n === 0n) {
    d /= 5n
    fives++
  }
  if (d !== 1n) return `${n.numerator}/${n.denominator}`

  const digits = Math.max(twos, fives)
  const scaled = (n.numerator * 10n ** BigInt(digits)) / n.denominator
  const negative = scaled < 0n
  const abs = (negative ? -scaled : scaled).toString().padStart(digits + 1, '0')
  const whole = abs.slice(0, abs.length - digits)
  const fraction = abs.slice(abs.length - digits).replace(/0+$/, '')
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b]
  return a === 0n ? 1n : a
}
