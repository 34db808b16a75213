import { makeExactNumber } from './ExactNumber'
import type { MathNumber } from './parseMathNumber'

/**
 * Units a MATH answer may carry, for comparing two answers that both carry one (`1.5 \text{ m}` and `150 \text{ cm}`).
 * An answer with a unit against one without is compared by its number: the cleanup removes units.
 * Factors are exact rationals to the dimension's base unit.
 */
const units: Readonly<Record<string, { dimension: string; factor: readonly [bigint, bigint] }>> = {
  mm: { dimension: 'length', factor: [1n, 1000n] },
  cm: { dimension: 'length', factor: [1n, 100n] },
  m: { dimension: 'length', factor: [1n, 1n] },
  km: { dimension: 'length', factor: [1000n, 1n] },
  in: { dimension: 'length', factor: [254n, 10000n] },
  ft: { dimension: 'length', factor: [3048n, 10000n] },
  yd: { dimension: 'length', factor: [9144n, 10000n] },
  mi: { dimension: 'length', factor: [1609344n, 1000n] },
  s: { dimension: 'time', factor: [1n, 1n] },
  min: { dimension: 'time', factor: [60n, 1n] },
  h: { dimension: 'time', factor: [3600n, 1n] },
  day: { dimension: 'time', factor: [86400n, 1n] },
  mg: { dimension: 'mass', factor: [1n, 1000n] },
  g: { dimension: 'mass', factor: [1n, 1n] },
  kg: { dimension: 'mass', factor: [1000n, 1n] },
  cent: { dimension: 'money', factor: [1n, 100n] },
  dollar: { dimension: 'money', factor: [1n, 1n] }
}

const spellings: Readonly<Record<string, string>> = {
  millimeter: 'mm',
  millimeters: 'mm',
  centimeter: 'cm',
  centimeters: 'cm',
  meter: 'm',
  meters: 'm',
  kilometer: 'km',
  kilometers: 'km',
  inch: 'in',
  inches: 'in',
  foot: 'ft',
  feet: 'ft',
  yard: 'yd',
  yards: 'yd',
  mile: 'mi',
  miles: 'mi',
  sec: 's',
  second: 's',
  seconds: 's',
  minute: 'min',
  minutes: 'min',
  hr: 'h',
  hour: 'h',
  hours: 'h',
  days: 'day',
  gram: 'g',
  grams: 'g',
  kilogram: 'kg',
  kilograms: 'kg',
  cents: 'cent',
  dollars: 'dollar'
}

/**
 * The unit an answer ends with, in its short name (`10 \text{ cm}`, `3\mbox{ inches}`, `2 \mathrm{km}`, `5 feet`),
 * or null when it has none this table knows. A squared or cubed unit (`cm^2`) is not converted: null.
 */
export function readUnit(answer: string): string | null {
  const m = /(?:\\(?:text|mbox|mathrm)\s*\{\s*([a-zA-Z]+)\.?\s*\}|(?<=[\d}\s])([a-zA-Z]+)\.?)\s*\$?\s*\.?\s*$/.exec(answer.trim())
  if (!m) return null
  const word = (m[1] ?? m[2]!).toLowerCase()
  const unit = spellings[word] ?? (word in units ? word : null)
  return unit
}

/** `n` in unit `from` expressed in unit `to`, or null when the units measure different things. */
export function convertUnits(n: MathNumber, from: string, to: string): MathNumber | null {
  const a = units[from]
  const b = units[to]
  if (!a || !b || a.dimension !== b.dimension) return null
  const [an, ad] = a.factor
  const [bn, bd] = b.factor
  return { value: makeExactNumber(n.value.numerator * an * bd, n.value.denominator * ad * bn), approximate: n.approximate }
}
