import { pyStr } from './createBuiltins'
import { numberToWords, parseCardinal } from './numberWords'
import { PyFraction } from './PyFraction'
import { floatRepr, PyLabelled, type PyValue } from './PyValue'

/**
 * How a value is written into the solution text (`{expr}` slots) and the final `#### ` line. Like Python's
 * f-strings, except that numbers read as a person writes them: a whole float is written without `.0` (`15000`, not
 * `15000.0`), float noise is dropped (`0.30000000000000004` → `0.3`), a Fraction is `3/4`, and a labelled value is its
 * number (the original solutions write `3 / 6`, not `3 / six-sided`).
 */
export function formatAnswerValue(value: PyValue): string {
  if (value instanceof PyLabelled) return formatAnswerValue(value.value)
  if (typeof value === 'number') return formatFloat(value)
  return pyStr(value)
}

/**
 * How a sampled value is written into a question slot, in the style of the slot's default: a labelled value shows
 * its words; an int is written in words where the default was a word (`{n2,two}` → `four`); a float keeps the
 * default's two decimals where that loses nothing (`{p2,1.50}` → `11.25`, `11.50`), and is otherwise
 * written like a solution's number (`12`, not `12.0`).
 */
export function formatQuestionValue(value: PyValue, defaultText: string): string {
  // The label is the author's own words for the value (`("twins", 2)`, `(100, 100)`), shown as written.
  if (value instanceof PyLabelled) return pyStr(value.label)
  if (typeof value === 'bigint') {
    if (!/\d/.test(defaultText) && parseCardinal(defaultText) !== null) return numberToWords(value)
    if (/^\d{1,3}(,\d{3})+$/.test(defaultText)) return value.toLocaleString('en-US')
    return value.toString()
  }
  if (typeof value === 'number') {
    // Only cents-style defaults (`1.50`, `0.40`, `12.48`) fix the decimals: a `1.5` default must not turn a
    // sampled 7 into `7.0`.
    const decimals = /^\d*\.(\d{2,})$/.exec(defaultText)?.[1]?.length
    if (decimals !== undefined && Number.isFinite(value) && Number(value.toFixed(decimals)) === Number(formatFloat(value))) return value.toFixed(decimals)
    return formatFloat(value)
  }
  if (value instanceof PyFraction) return value.toString()
  return pyStr(value)
}

function formatFloat(value: number): string {
  if (!Number.isFinite(value)) return floatRepr(value)
  if (Number.isInteger(value)) return Math.abs(value) < 1e21 ? BigInt(value).toString() : floatRepr(value)
  // Twelve significant digits hide binary noise but keep every value the templates produce (cents, quarters).
  const clean = Number(value.toPrecision(12))
  return Number.isInteger(clean) ? BigInt(clean).toString() : floatRepr(clean)
}
