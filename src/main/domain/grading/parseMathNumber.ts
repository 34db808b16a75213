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
const decimalCommaPattern = /^([+-]?\d+),(\d{1,2}|\d{4,})$/

/**
 * Reads an answer without spaces as one number: what {@link parseExactNumber} reads (integers, thousands groups,
 * decimals, fractions), scientific notation (`1.5\times10^{3}`, `2\cdot10^{-4}`, `1.5e3`), a power of ten alone
 * (`10^{6}`) and, when asked, a decimal comma. Null for anything else.
 */
export function parseMathNumber(compact: string, options: ParseMathNumberOptions = {}): MathNumber | null {
  const plain = parseExactNumber(compact)
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
      const value = parseExactNumber(`${comma[1]}.${comma[2]}`)
      if (value) return { value, approximate: true }
    }
  }
  return null
}

/** Equal exactly, or, when either was written as a decimal, equal once both are rounded to 6 decimal places. */
export function mathNumbersEqual(a: MathNumber, b: MathNumber): boolean {
  if (a.value.numerator === b.value.numerator && a.value.denominator === b.value.denominator) return true
  if (!a.approximate && !b.approximate) return false
  return roundedMicros(a.value) === roundedMicros(b.value)
}

/** The number times 10⁶, rounded half away from zero. */
export function roundedMicros(n: ExactNumber): bigint {
  const scaled = n.numerator * 1_000_000n
  const negative = scaled < 0n
  const abs = negative ? -scaled : scaled
  const rounded = (2n * abs + n.denominator) / (2n * n.denominator)
  return negative ? -rounded : rounded
}
