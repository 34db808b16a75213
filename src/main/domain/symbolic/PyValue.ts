import { PyFraction } from './PyFraction'

/**
 * A value of the template language, mirroring Python's types: `bigint` is `int` (exact, like Python's),
 * `number` is `float`, `boolean` is `bool`, `string` is `str`, plus Fraction, list, tuple, range, functions and
 * {@link PyLabelled}, the one type Python does not have.
 */
export type PyValue = bigint | number | boolean | string | PyFraction | PyList | PyTuple | PyRange | PyLabelled | PyFunction | PyNone

export class PyList {
  constructor(readonly items: PyValue[]) {}
}

export class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
}

/** `range(start, stop, step)`, kept lazy: `range(300000, 500000, 10000)` need not become a list to be sampled. */
export class PyRange {
  readonly length: bigint

  constructor(
    readonly start: bigint,
    readonly stop: bigint,
    readonly step: bigint
  ) {
    if (step === 0n) throw new RangeError('range() arg 3 must not be zero')
    const span = step > 0n ? stop - start : start - stop
    const by = step > 0n ? step : -step
    this.length = span <= 0n ? 0n : (span + by - 1n) / by
  }

  at(index: bigint): bigint {
    return this.start + index * this.step
  }
}

/**
 * A number with the words the question shows for it: `("twice", 2)`, `("six-sided", 6)`, `("half", 1/2)`.
 * GSM-Symbolic templates sample such pairs (`sample(multi_times)`, `sample([("twins", 2), …])`) and then use the
 * variable both ways: the question prints the words (`{mult,twice}`), arithmetic and the solution use the number
 * (`mult * m`, `{sides}` → 6), and a few templates index it (`mult[1]`). So it acts as its number everywhere
 * except indexing (`[0]` the label, `[1]` the number) and question slots (the label).
 */
export class PyLabelled {
  constructor(
    readonly label: PyValue,
    readonly value: PyValue
  ) {}
}

export class PyFunction {
  constructor(
    readonly name: string,
    readonly call: (args: PyValue[]) => PyValue
  ) {}
}

export class PyNone {
  static readonly instance = new PyNone()
  private constructor() {}
}

/** Python's name for the value's type, for error messages (`unsupported operand type(s) for +: 'str' and 'int'`). */
export function pyTypeName(value: PyValue): string {
  switch (typeof value) {
    case 'bigint':
      return 'int'
    case 'number':
      return 'float'
    case 'boolean':
      return 'bool'
    case 'string':
      return 'str'
  }
  if (value instanceof PyFraction) return 'Fraction'
  if (value instanceof PyList) return 'list'
  if (value instanceof PyTuple) return 'tuple'
  if (value instanceof PyRange) return 'range'
  if (value instanceof PyLabelled) return `labelled ${pyTypeName(value.value)}`
  if (value instanceof PyFunction) return 'function'
  return 'NoneType'
}

/** The number behind a labelled value; everything else unchanged. */
export function unlabel(value: PyValue): PyValue {
  return value instanceof PyLabelled ? unlabel(value.value) : value
}

export function isNumeric(value: PyValue): value is bigint | number | boolean | PyFraction {
  return typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean' || value instanceof PyFraction
}

/** The items of anything iterable (list, tuple, range, str), or null. */
export function iterableItems(value: PyValue): PyValue[] | null {
  if (value instanceof PyList || value instanceof PyTuple) return [...value.items]
  if (value instanceof PyRange) {
    const out: PyValue[] = []
    for (let i = 0n; i < value.length; i++) out.push(value.at(i))
    return out
  }
  if (typeof value === 'string') return [...value]
  return null
}

/** Python's `repr()`, for error messages and lists in text. */
export function pyRepr(value: PyValue): string {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
  if (typeof value === 'boolean') return value ? 'True' : 'False'
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'number') return floatRepr(value)
  if (value instanceof PyFraction) return `Fraction(${value.numerator}, ${value.denominator})`
  if (value instanceof PyList) return `[${value.items.map(pyRepr).join(', ')}]`
  if (value instanceof PyTuple) return value.items.length === 1 ? `(${pyRepr(value.items[0]!)},)` : `(${value.items.map(pyRepr).join(', ')})`
  if (value instanceof PyRange) return value.step === 1n ? `range(${value.start}, ${value.stop})` : `range(${value.start}, ${value.stop}, ${value.step})`
  if (value instanceof PyLabelled) return `(${pyRepr(value.label)}, ${pyRepr(value.value)})`
  if (value instanceof PyFunction) return `<function ${value.name}>`
  return 'None'
}

/** Python's `repr(float)`: the shortest round-trip digits, always with a `.0` or an exponent. */
export function floatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan'
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf'
  if (Object.is(value, -0)) return '-0.0'
  const abs = Math.abs(value)
  if (abs !== 0 && (abs >= 1e16 || abs < 1e-4)) {
    // JS writes 1e+21 / 1.5e-7; Python writes 1e+21 / 1.5e-07.
    const [mantissa, exponent] = value.toExponential().split('e') as [string, string]
    const sign = exponent.startsWith('-') ? '-' : '+'
    const digits = exponent.replace(/^[+-]/, '').padStart(2, '0')
    return `${mantissa}e${sign}${digits}`
  }
  const text = String(value)
  return text.includes('.') ? text : `${text}.0`
}
