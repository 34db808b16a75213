import { applyBinaryOperator, compareValues, pyEquals, toBigInt, toFraction, toNumber } from './applyBinaryOperator'
import { builtinLists, numbersWithin } from './builtinLists'
import { ExpressionError } from './ExpressionError'
import { PyFraction } from './PyFraction'
import { floatRepr, iterableItems, PyFunction, PyLabelled, PyList, PyNone, PyRange, PyTuple, pyTypeName, unlabel, type PyValue } from './PyValue'

/**
 * The names a template expression can use besides its own variables: Python built-ins (`int`, `round`, `abs`,
 * `min`, `max`, `sum`, `len`, `list`, `range`, `float`, `str`), `Fraction`, numpy's `np.arange` and
 * `np.random.randint`, GSM-Symbolic's helpers (`sample`, `sample_sequential`, `numbers_within`, `frange`,
 * `fix_floats`, `shuffle_list`, `is_int`, `divides`, `format_frac`) and the name lists of {@link builtinLists}.
 *
 * Every random choice draws from `random`, a seeded PRNG, so an instance is a pure function of its seed.
 */
export function createBuiltins(random: () => number): Map<string, PyValue> {
  const scope = new Map<string, PyValue>()
  const define = (name: string, call: (args: PyValue[]) => PyValue): void => void scope.set(name, new PyFunction(name, call))

  for (const [name, list] of builtinLists) scope.set(name, list)
  scope.set('True', true)
  scope.set('False', false)
  scope.set('None', PyNone.instance)

  define('int', (args) => {
    arity('int', args, 1, 1)
    return toInt(args[0]!)
  })
  define('float', (args) => {
    arity('float', args, 1, 1)
    const value = unlabel(args[0]!)
    if (typeof value === 'string') {
      const parsed = Number(value.trim())
      if (value.trim() === '' || Number.isNaN(parsed)) throw new ExpressionError('ValueError', `could not convert string to float: '${value}'`)
      return parsed
    }
    return toNumber(value)
  })
  define('str', (args) => {
    arity('str', args, 1, 1)
    return pyStr(args[0]!)
  })
  define('round', (args) => {
    arity('round', args, 1, 2)
    const digits = args[1] === undefined || args[1] instanceof PyNone ? null : toBigInt(unlabel(args[1]))
    return pyRound(args[0]!, digits)
  })
  define('abs', (args) => {
    arity('abs', args, 1, 1)
    const value = unlabel(args[0]!)
    if (typeof value === 'bigint') return value < 0n ? -value : value
    if (typeof value === 'boolean') return value ? 1n : 0n
    if (typeof value === 'number') return Math.abs(value)
    if (value instanceof PyFraction) return value.numerator < 0n ? value.neg() : value
    throw new ExpressionError('TypeError', `bad operand type for abs(): '${pyTypeName(value)}'`)
  })
  define('min', (args) => extreme('min', args, '<'))
  define('max', (args) => extreme('max', args, '>'))
  define('sum', (args) => {
    arity('sum', args, 1, 2)
    return itemsOf('sum', args[0]!).reduce<PyValue>((total, item) => applyBinaryOperator('+', total, item), args[1] ?? 0n)
  })
  define('len', (args) => {
    arity('len', args, 1, 1)
    const value = args[0]!
    if (value instanceof PyRange) return value.length
    if (value instanceof PyLabelled) return 2n
    return BigInt(itemsOf('len', value).length)
  })
  define('list', (args) => {
    arity('list', args, 0, 1)
    return new PyList(args.length === 0 ? [] : itemsOf('list', args[0]!))
  })
  define('range', (args) => {
    arity('range', args, 1, 3)
    const ints = args.map((arg) => {
      const value = unlabel(arg)
      if (typeof value !== 'bigint' && typeof value !== 'boolean') {
        throw new ExpressionError('TypeError', `'${pyTypeName(value)}' object cannot be interpreted as an integer`)
      }
      return toBigInt(value)
    })
    if (ints.length === 1) return new PyRange(0n, ints[0]!, 1n)
    if (ints[2] === 0n) throw new ExpressionError('ValueError', 'range() arg 3 must not be zero')
    return new PyRange(ints[0]!, ints[1]!, ints[2] ?? 1n)
  })
  define('Fraction', (args) => {
    arity('Fraction', args, 0, 2)
    if (args.length === 0) return new PyFraction(0n)
    const first = unlabel(args[0]!)
    if (args.length === 1) {
      if (typeof first === 'string') return parseFractionString(first)
      if (typeof first === 'number' && !Number.isFinite(first)) throw new ExpressionError('ValueError', `cannot convert ${first} to Fraction`)
      return toFraction(requireNumber('Fraction', first))
    }
    const second = unlabel(args[1]!)
    for (const part of [first, second]) {
      if (typeof part !== 'bigint' && typeof part !== 'boolean' && !(part instanceof PyFraction)) {
        throw new ExpressionError('TypeError', 'both arguments should be Rational instances')
      }
    }
    const denominator = toFraction(second)
    if (denominator.numerator === 0n) throw new ExpressionError('ZeroDivisionError', `Fraction(${pyStr(first)}, 0)`)
    return toFraction(first).div(denominator)
  })

  // GSM-Symbolic helpers.
  define('is_int', (args) => {
    arity('is_int', args, 1, 1)
    const value = unlabel(args[0]!)
    if (typeof value === 'bigint' || typeof value === 'boolean') return true
    if (typeof value === 'number') return Number.isInteger(value)
    if (value instanceof PyFraction) return value.isInteger()
    throw new ExpressionError('TypeError', `is_int() needs a number, got '${pyTypeName(value)}'`)
  })
  // divides(a, b): a is a multiple of b (template 0: divides(k*y, 12) with k*y = 12; divides(100, 10.0)).
  define('divides', (args) => {
    arity('divides', args, 2, 2)
    return pyEquals(applyBinaryOperator('%', args[0]!, args[1]!), 0n)
  })
  define('format_frac', (args) => {
    arity('format_frac', args, 1, 1)
    return formatMixedNumber(toFraction(requireNumber('format_frac', unlabel(args[0]!))))
  })
  define('numbers_within', (args) => {
    arity('numbers_within', args, 2, 2)
    return numbersWithin(toBigInt(unlabel(args[0]!)), toBigInt(unlabel(args[1]!)))
  })
  define('sample', (args) => {
    arity('sample', args, 1, 2)
    const population = args[0]!
    if (args[1] === undefined) return choose(population, random)
    const k = Number(toBigInt(unlabel(args[1])))
    const items = itemsOf('sample', population)
    if (k < 0 || k > items.length) throw new ExpressionError('ValueError', `sample larger than population (${k} of ${items.length})`)
    // A partial Fisher–Yates: k distinct positions.
    const pool = [...items]
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(random() * (pool.length - i))
      ;[pool[i], pool[j]] = [pool[j]!, pool[i]!]
    }
    return new PyList(pool.slice(0, k))
  })
  // k consecutive items from a random start, wrapping around (weekdays are cyclic: "Saturday, Sunday").
  define('sample_sequential', (args) => {
    arity('sample_sequential', args, 1, 2)
    const items = itemsOf('sample_sequential', args[0]!)
    const k = args[1] === undefined ? 2 : Number(toBigInt(unlabel(args[1])))
    if (k < 0 || k > items.length) throw new ExpressionError('ValueError', `sample larger than population (${k} of ${items.length})`)
    const start = Math.floor(random() * items.length)
    return new PyList(Array.from({ length: k }, (_, i) => items[(start + i) % items.length]!))
  })
  define('shuffle_list', (args) => {
    arity('shuffle_list', args, 1, 1)
    const items = itemsOf('shuffle_list', args[0]!)
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1))
      ;[items[i], items[j]] = [items[j]!, items[i]!]
    }
    return new PyList(items)
  })
  // np.arange's float steps leave binary noise (1.26 + 3 * 0.33 = 2.2500000000000004); rounding to 10 places
  // makes each value the double of its decimal literal again.
  define('fix_floats', (args) => {
    arity('fix_floats', args, 1, 1)
    const fix = (value: PyValue): PyValue => (typeof value === 'number' ? pyRound(value, 10n) : value)
    const items = iterableItems(args[0]!)
    return items === null ? fix(args[0]!) : new PyList(items.map(fix))
  })
  const arange = (name: string) => (args: PyValue[]) => {
    arity(name, args, 1, 3)
    const [start, stop, step] = args.length === 1 ? [0n, unlabel(args[0]!), 1n] : [unlabel(args[0]!), unlabel(args[1]!), args[2] === undefined ? 1n : unlabel(args[2])]
    if ([start, stop, step].every((v) => typeof v === 'bigint')) {
      if (step === 0n) throw new ExpressionError('ZeroDivisionError', 'arange step is 0')
      return new PyList(iterableItems(new PyRange(start as bigint, stop as bigint, step as bigint))!)
    }
    // numpy: length ceil((stop - start) / step), values start + i * step, in floats.
    const [a, b, s] = [toNumber(requireNumber(name, start)), toNumber(requireNumber(name, stop)), toNumber(requireNumber(name, step))]
    if (s === 0) throw new ExpressionError('ZeroDivisionError', 'arange step is 0')
    const length = Math.max(0, Math.ceil((b - a) / s))
    if (length > 1_000_000) throw new ExpressionError('ValueError', `${name}() would make ${length} values`)
    return new PyList(Array.from({ length }, (_, i) => a + i * s))
  }
  define('np.arange', arange('np.arange'))
  // Not in numpy; the templates use it like np.arange (stop excluded).
  define('frange', arange('frange'))
  // np.random.randint(low, high, size): `size` uniform ints in [low, high). Sampling one of them afterwards is
  // the same as drawing one uniform int, which is what the templates mean by it.
  define('np.random.randint', (args) => {
    arity('np.random.randint', args, 1, 3)
    const [low, high] = args.length === 1 ? [0n, toBigInt(unlabel(args[0]!))] : [toBigInt(unlabel(args[0]!)), toBigInt(unlabel(args[1]!))]
    if (high <= low) throw new ExpressionError('ValueError', 'low >= high')
    const draw = (): bigint => low + BigInt(Math.floor(random() * Number(high - low)))
    if (args[2] === undefined) return draw()
    const size = Number(toBigInt(unlabel(args[2])))
    return new PyList(Array.from({ length: size }, draw))
  })
  return scope
}

/** One item of a list, tuple, range or string, uniformly; ranges are not expanded. */
export function choose(population: PyValue, random: () => number): PyValue {
  if (population instanceof PyRange) {
    if (population.length === 0n) throw new ExpressionError('IndexError', 'cannot choose from an empty sequence')
    return population.at(BigInt(Math.floor(random() * Number(population.length))))
  }
  const items = itemsOf('sample', population)
  if (items.length === 0) throw new ExpressionError('IndexError', 'cannot choose from an empty sequence')
  return items[Math.floor(random() * items.length)]!
}

/** Python's `int(x)`: truncation toward zero for floats and Fractions. */
export function toInt(valueIn: PyValue): bigint {
  const value = unlabel(valueIn)
  if (typeof value === 'bigint') return value
  if (typeof value === 'boolean') return value ? 1n : 0n
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ExpressionError('ValueError', `cannot convert float ${floatRepr(value)} to integer`)
    return BigInt(Math.trunc(value))
  }
  if (value instanceof PyFraction) return value.trunc()
  if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return BigInt(value.trim())
  if (typeof value === 'string') throw new ExpressionError('ValueError', `invalid literal for int() with base 10: '${value}'`)
  throw new ExpressionError('TypeError', `int() argument must be a string or a number, not '${pyTypeName(value)}'`)
}

/**
 * Python's `round`: halves go to the even neighbour (`round(2.5) == 2`), computed on the exact value (a float is
 * its exact binary value, so `round(2.675, 2) == 2.67`). Without digits the result is an int.
 */
export function pyRound(valueIn: PyValue, digits: bigint | null): PyValue {
  const value = unlabel(valueIn)
  if (typeof value === 'bigint' || typeof value === 'boolean') {
    const n = toBigInt(value)
    if (digits === null || digits >= 0n) return n
    const unit = 10n ** -digits
    return roundHalfEven(new PyFraction(n, unit)) * unit
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      if (digits === null) throw new ExpressionError('ValueError', `cannot convert float ${floatRepr(value)} to integer`)
      return value
    }
    if (digits === null) return roundHalfEven(PyFraction.fromFloat(value))
    const scale = digits >= 0n ? new PyFraction(10n ** digits) : new PyFraction(1n, 10n ** -digits)
    const rounded = new PyFraction(roundHalfEven(PyFraction.fromFloat(value).mul(scale))).div(scale)
    return rounded.toNumber()
  }
  if (value instanceof PyFraction) {
    if (digits === null) return roundHalfEven(value)
    const scale = digits >= 0n ? new PyFraction(10n ** digits) : new PyFraction(1n, 10n ** -digits)
    return new PyFraction(roundHalfEven(value.mul(scale))).div(scale)
  }
  throw new ExpressionError('TypeError', `type ${pyTypeName(value)} doesn't define __round__ method`)
}

function roundHalfEven(value: PyFraction): bigint {
  const floor = value.floor()
  const rest = value.sub(new PyFraction(floor))
  const half = rest.compare(new PyFraction(1n, 2n))
  if (half > 0) return floor + 1n
  if (half < 0) return floor
  return floor % 2n === 0n ? floor : floor + 1n
}

/** `format_frac`: a mixed number as a person writes it, `3 1/2`, `1/2`, `3`. */
export function formatMixedNumber(value: PyFraction): string {
  if (value.isInteger()) return value.numerator.toString()
  const negative = value.numerator < 0n
  const abs = negative ? value.neg() : value
  const whole = abs.trunc()
  const rest = abs.sub(new PyFraction(whole))
  const text = whole === 0n ? rest.toString() : `${whole} ${rest.toString()}`
  return negative ? `-${text}` : text
}

/** Python's `str(x)`. */
export function pyStr(value: PyValue): string {
  if (typeof value === 'string') return value
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'boolean') return value ? 'True' : 'False'
  if (typeof value === 'number') return floatRepr(value)
  if (value instanceof PyFraction) return value.toString()
  if (value instanceof PyNone) return 'None'
  if (value instanceof PyLabelled) return `(${pyStrInContainer(value.label)}, ${pyStrInContainer(value.value)})`
  if (value instanceof PyList) return `[${value.items.map(pyStrInContainer).join(', ')}]`
  if (value instanceof PyTuple) return `(${value.items.map(pyStrInContainer).join(', ')}${value.items.length === 1 ? ',' : ''})`
  if (value instanceof PyRange) return value.step === 1n ? `range(${value.start}, ${value.stop})` : `range(${value.start}, ${value.stop}, ${value.step})`
  return `<function ${value.name}>`
}

function pyStrInContainer(value: PyValue): string {
  if (typeof value === 'string') return `'${value}'`
  if (value instanceof PyFraction) return `Fraction(${value.numerator}, ${value.denominator})`
  return pyStr(value)
}

function parseFractionString(text: string): PyFraction {
  const s = text.trim()
  const slash = /^([+-]?\d+)\s*\/\s*(\d+)$/.exec(s)
  if (slash) {
    if (BigInt(slash[2]!) === 0n) throw new ExpressionError('ZeroDivisionError', `Fraction(${slash[1]}, 0)`)
    return new PyFraction(BigInt(slash[1]!), BigInt(slash[2]!))
  }
  // Decimal strings are exact: Fraction('0.1') == 1/10, unlike Fraction(0.1).
  const decimal = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(s)
  if (decimal && (decimal[2] || decimal[3])) {
    const digits = decimal[3] ?? ''
    const n = BigInt(`${decimal[2] || '0'}${digits}`)
    return new PyFraction(decimal[1] === '-' ? -n : n, 10n ** BigInt(digits.length))
  }
  throw new ExpressionError('ValueError', `Invalid literal for Fraction: '${text}'`)
}

function extreme(name: string, args: PyValue[], op: '<' | '>'): PyValue {
  if (args.length === 0) throw new ExpressionError('TypeError', `${name} expected at least 1 argument, got 0`)
  const candidates = args.length === 1 ? itemsOf(name, args[0]!) : args
  if (candidates.length === 0) throw new ExpressionError('ValueError', `${name}() arg is an empty sequence`)
  return candidates.reduce((best, item) => (compareValues(op, item, best) ? item : best))
}

function itemsOf(name: string, value: PyValue): PyValue[] {
  const items = iterableItems(value instanceof PyLabelled ? new PyTuple([value.label, value.value]) : value)
  if (items === null) throw new ExpressionError('TypeError', `${name}(): '${pyTypeName(value)}' object is not iterable`)
  return items
}

function requireNumber(name: string, value: PyValue): bigint | number | boolean | PyFraction {
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean' || value instanceof PyFraction) return value
  throw new ExpressionError('TypeError', `${name}() needs a number, got '${pyTypeName(value)}'`)
}

function arity(name: string, args: PyValue[], min: number, max: number): void {
  if (args.length < min || args.length > max) {
    const expected = min === max ? `${min}` : `${min} to ${max}`
    throw new ExpressionError('TypeError', `${name}() takes ${expected} argument${max === 1 ? '' : 's'} (${args.length} given)`)
  }
}

