import { makeExactNumber, parseExactNumber, type ExactNumber } from './ExactNumber'

/** A number read from a MATH answer, and whether it was written as a decimal (which allows rounding). */
export interface MathNumber {
  value: ExactNumber
  /** Written with a decimal point or in scientific notation: compared after rounding to 6 decimal places. */
  approximate: boolean
}

export interface ParseMathNumberOptions {
  /**
   * Read a single comma followed by other than three digits (`3,14`) as a decimal comma. Only for a side compared
   * with one plain number, where it cannot be a list. Defaults to `false`.
   */
  decimalComma?: boolean
}

const scientificLatex = /^(.+?)(?:\\times|\\cdot|×|\*)10\^(?:\{([+-]?\d{1,3})\}|([+-]?\d))$/
const scientificE = /^([+-]?(?:\d+\.?\d*|\.\d+))[eE]([+-]?\d{1,3})$/
// `3,14`, `1000,99`, and `0,111` (a leading 0 is never followed by a thousands group).
const decimalCommaPattern = /^([+-]?\d+),(\d{1,2}|\d{4,})$|^([+-]?0),(\d+)$/

/**
 * Reads an answer without spaces as one number: what {@link parseExactNumber} reads (integers, thousands groups,
 * decimals, fractions), scientific notation (`1.5\times10^{3}`, `2\cdot10^{-4}`, `1.5e3`), a power of ten alone
 * (`10^{6}`) and, when asked, a decimal comma. Null for anything else.
 */
export function parseMathNumber(compact: string, options: ParseMathNumberOptions = {}): MathNumber | null {
  // `0,111` is never a thousands group: a decimal comma or nothing.
  const plain = /^[+-]?0,/.test(compact) ? null : parseExactNumber(compact)
  if (plain) return { value: plain, approximate: /\d\.\d|^\.\d|[^\d]\.\d/.test(compact) }

  const latex = scientificLatex.exec(compact)
  const e = latex ? null : scientificE.exec(compact)
  if (latex || e) {
    const mantissa = parseExactNumber(latex ? latex[1]! : e![1]!)
    const exponent = Number(latex ? (latex[2] ?? latex[3]) : e![2])
    if (!mantissa) return null
    const scale = 10n ** BigInt(Math.abs(exponent))
    const value =
      exponent >= 0
        ? makeExactNumber(mantissa.numerator * scale, mantissa.denominator)
        : makeExactNumber(mantissa.numerator, mantissa.denominator * scale)
    return { value, approximate: true }
  }

  const power = /^10\^(?:\{(\d{1,3})\}|(\d))$/.exec(compact)
  if (power) return { value: makeExactNumber(10n ** BigInt(power[1] ?? power[2]!), 1n), approximate: false }

  if (options.decimalComma) {
    const comma = decimalCommaPattern.exec(compact)
    if (comma) {
      const value = parseExactNumber(comma[1] !== undefined ? `${comma[1]}.${comma[2]}` : `${comma[3]}.${comma[4]}`)
      if (value) return { value, approximate: true }
    }
  }
  return null
}

/**
 * Equal exactly, or, when either was written as a decimal, within half a unit of the 6th decimal place: a decimal
 * rounded to 6 places from the other value, whichever way a tie was rounded (`0.004687` and `0.004688` both stand
 * for `\frac{3}{640}` = 0.0046875).
 */
export function mathNumbersEqual(a: MathNumber, b: MathNumber): boolean {
  if (a.value.numerator === b.value.numerator && a.value.denominator === b.value.denominator) return true
  if (!a.approximate && !b.approximate) return false
  // 2·|a − b|·10⁶ ≤ 1, in integers: |an·bd − bn·ad| · 2·10⁶ ≤ ad·bd.
  const difference = a.value.numerator * b.value.denominator - b.value.numerator * a.value.denominator
  const abs = difference < 0n ? -difference : difference
  return abs * 2_000_000n <= a.value.denominator * b.value.denominator
}

/** Within half a unit of the 6th decimal place, for a decimal against a value computed in floating point. */
export function closeToSixPlaces(decimal: ExactNumber, value: number): boolean {
  return Math.abs(Number(decimal.numerator) / Number(decimal.denominator) - value) <= 5e-7 * (1 + 1e-9)
}
