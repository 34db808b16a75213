import { ExpressionError } from './ExpressionError'
import { floorDivide, PyFraction } from './PyFraction'
import { iterableItems, PyFunction, PyList, PyNone, PyRange, PyTuple, pyTypeName, unlabel, type PyValue } from './PyValue'
import type { BinaryOperator, CompareOperator } from './parseExpression'

/**
 * Python's arithmetic on the template values, with Python's numeric tower: bool < int < Fraction < float.
 * int op int stays an exact int (except `/`, which is float division in Python 3); anything with a Fraction stays
 * a Fraction; anything with a float becomes a float. `//` floors and `%` takes the divisor's sign, for ints,
 * Fractions and floats alike (the float algorithm is CPython's `float_divmod`).
 */
export function applyBinaryOperator(op: BinaryOperator, leftIn: PyValue, rightIn: PyValue): PyValue {
  const left = unlabel(leftIn)
  const right = unlabel(rightIn)

  const sequence = sequenceOperation(op, left, right)
  if (sequence !== undefined) return sequence

  const kind = numericKind(left, right)
  if (kind === null) throw unsupported(op, left, right)

  if (kind === 'int') {
    const a = toBigInt(left)
    const b = toBigInt(right)
    switch (op) {
      case '+':
        return a + b
      case '-':
        return a - b
      case '*':
        return a * b
      case '/':
        if (b === 0n) throw zeroDivision('division by zero')
        return new PyFraction(a, b).toNumber()
      case '//':
        if (b === 0n) throw zeroDivision('integer division or modulo by zero')
        return floorDivide(a, b)
      case '%':
        if (b === 0n) throw zeroDivision('integer modulo by zero')
        return a - b * floorDivide(a, b)
      case '**':
        // Templates raise small numbers to small powers; a huge exponent is a mistake, not a workload.
        if (b > maxExponent || -b > maxExponent) throw new ExpressionError('ValueError', `exponent ${b} is too large`)
        if (b >= 0n) return a ** b
        if (a === 0n) throw zeroDivision('0.0 cannot be raised to a negative power')
        return new PyFraction(1n, a ** -b).toNumber()
    }
  }

  if (kind === 'fraction') {
    const a = toFraction(left)
    const b = toFraction(right)
    const bIsZero = b.numerator === 0n
    switch (op) {
      case '+':
        return a.add(b)
      case '-':
        return a.sub(b)
      case '*':
        return a.mul(b)
      case '/':
        if (bIsZero) throw zeroDivision(`Fraction(${a.numerator}, 0)`)
        return a.div(b)
      case '//':
        if (bIsZero) throw zeroDivision('division by zero')
        return a.floorDiv(b)
      case '%':
        if (bIsZero) throw zeroDivision('division by zero')
        return a.mod(b)
      case '**':
        // Fraction ** int is exact; a fractional exponent gives a float, as in Python.
        if (b.isInteger()) {
          const exponent = b.numerator
          if (exponent > maxExponent || -exponent > maxExponent) throw new ExpressionError('ValueError', `exponent ${exponent} is too large`)
          if (exponent >= 0n) return new PyFraction(a.numerator ** exponent, a.denominator ** exponent)
          if (a.numerator === 0n) throw zeroDivision('Fraction(1, 0)')
          return new PyFraction(a.denominator ** -exponent, a.numerator ** -exponent)
        }
        return a.toNumber() ** b.toNumber()
    }
  }

  const a = toNumber(left)
  const b = toNumber(right)
  switch (op) {
    case '+':
      return a + b
    case '-':
      return a - b
    case '*':
      return a * b
    case '/':
      if (b === 0) throw zeroDivision('float division by zero')
      return a / b
    case '//':
      if (b === 0) throw zeroDivision('float floor division by zero')
      return floatDivmod(a, b)[0]
    case '%':
      if (b === 0) throw zeroDivision('float modulo')
      return floatDivmod(a, b)[1]
    case '**':
      if (a === 0 && b < 0) throw zeroDivision('0.0 cannot be raised to a negative power')
      if (a < 0 && !Number.isInteger(b)) throw new ExpressionError('ValueError', 'negative number cannot be raised to a fractional power (complex result)')
      return a ** b
  }
}

/** CPython's `float_divmod`: floor quotient and a remainder with the divisor's sign. */
function floatDivmod(vx: number, wx: number): [number, number] {
  let mod = vx % wx // JS `%` on doubles is C's fmod.
  let div = (vx - mod) / wx
  if (mod !== 0) {
    if (wx < 0 !== mod < 0) {
      mod += wx
      div -= 1
    }
  } else {
    mod = Math.sign(wx) < 0 || Object.is(wx, -0) ? -0 : 0
  }
  let floordiv: number
  if (div !== 0) {
    floordiv = Math.floor(div)
    if (div - floordiv > 0.5) floordiv += 1
  } else {
    floordiv = vx / wx < 0 || Object.is(vx / wx, -0) ? -0 : 0
  }
  return [floordiv, mod]
}

/** `+` and `*` on lists, tuples and strings: concatenation and repetition. */
function sequenceOperation(op: BinaryOperator, left: PyValue, right: PyValue): PyValue | undefined {
  if (op === '+') {
    if (typeof left === 'string' && typeof right === 'string') return left + right
    if (left instanceof PyList && right instanceof PyList) return new PyList([...left.items, ...right.items])
    if (left instanceof PyTuple && right instanceof PyTuple) return new PyTuple([...left.items, ...right.items])
    return undefined
  }
  if (op === '*') {
    const [seq, count] = isSequence(left) ? [left, right] : isSequence(right) ? [right, left] : [null, null]
    if (seq === null || count === null) return undefined
    if (typeof count !== 'bigint' && typeof count !== 'boolean') throw new ExpressionError('TypeError', `can't multiply sequence by non-int of type '${pyTypeName(count)}'`)
    const times = Number(toBigInt(count))
    if (times * lengthOf(seq) > 1_000_000) throw new ExpressionError('ValueError', 'repeated sequence is too long')
    if (typeof seq === 'string') return seq.repeat(Math.max(0, times))
    const items: PyValue[] = []
    for (let i = 0; i < times; i++) items.push(...seq.items)
    return seq instanceof PyList ? new PyList(items) : new PyTuple(items)
  }
  return undefined
}

function isSequence(value: PyValue): value is string | PyList | PyTuple {
  return typeof value === 'string' || value instanceof PyList || value instanceof PyTuple
}

function lengthOf(value: string | PyList | PyTuple): number {
  return typeof value === 'string' ? value.length : value.items.length
}

type NumericKind = 'int' | 'fraction' | 'float'

function numericKind(a: PyValue, b: PyValue): NumericKind | null {
  const ka = kindOf(a)
  const kb = kindOf(b)
  if (ka === null || kb === null) return null
  if (ka === 'float' || kb === 'float') return 'float'
  if (ka === 'fraction' || kb === 'fraction') return 'fraction'
  return 'int'
}

function kindOf(value: PyValue): NumericKind | null {
  if (typeof value === 'bigint' || typeof value === 'boolean') return 'int'
  if (typeof value === 'number') return 'float'
  if (value instanceof PyFraction) return 'fraction'
  return null
}

export function toBigInt(value: PyValue): bigint {
  if (typeof value === 'bigint') return value
  if (typeof value === 'boolean') return value ? 1n : 0n
  throw new ExpressionError('TypeError', `expected an int, got '${pyTypeName(value)}'`)
}

export function toFraction(value: PyValue): PyFraction {
  if (value instanceof PyFraction) return value
  if (typeof value === 'number') return PyFraction.fromFloat(value)
  return new PyFraction(toBigInt(value))
}

/** Python's `float(x)` for numbers. */
export function toNumber(valueIn: PyValue): number {
  const value = unlabel(valueIn)
  if (typeof value === 'number') return value
  if (typeof value === 'bigint') return value >= -maxSafe && value <= maxSafe ? Number(value) : new PyFraction(value).toNumber()
  if (typeof value === 'boolean') return value ? 1 : 0
  if (value instanceof PyFraction) return value.toNumber()
  throw new ExpressionError('TypeError', `must be real number, not ${pyTypeName(value)}`)
}

const maxSafe = BigInt(Number.MAX_SAFE_INTEGER)
const maxExponent = 4096n

/**
 * Python comparisons. Numbers compare exactly across types (`0.1 == Fraction(1, 10)` is False, as in Python, since
 * 0.1 is a binary approximation); `==` between unrelated types is False; ordering them is a TypeError.
 */
export function compareValues(op: CompareOperator, leftIn: PyValue, rightIn: PyValue): boolean {
  const left = unlabel(leftIn)
  const right = unlabel(rightIn)
  switch (op) {
    case '==':
      return pyEquals(left, right)
    case '!=':
      return !pyEquals(left, right)
    case 'in':
    case 'not in': {
      const items = iterableItems(right)
      if (items === null) throw new ExpressionError('TypeError', `argument of type '${pyTypeName(right)}' is not iterable`)
      const found = typeof right === 'string' && typeof left === 'string' ? right.includes(left) : items.some((item) => pyEquals(left, unlabel(item)))
      return op === 'in' ? found : !found
    }
  }
  const order = orderValues(left, right, op)
  switch (op) {
    case '<':
      return order < 0
    case '>':
      return order > 0
    case '<=':
      return order <= 0
    case '>=':
      return order >= 0
  }
}

export function pyEquals(leftIn: PyValue, rightIn: PyValue): boolean {
  const left = unlabel(leftIn)
  const right = unlabel(rightIn)
  if (kindOf(left) !== null && kindOf(right) !== null) return compareNumbers(left, right) === 0
  if (typeof left === 'string' || typeof right === 'string') return left === right
  const a = iterableItems(left)
  const b = iterableItems(right)
  if (a && b && (left instanceof PyList) === (right instanceof PyList) && (left instanceof PyTuple) === (right instanceof PyTuple)) {
    if (left instanceof PyRange !== right instanceof PyRange) return false
    return a.length === b.length && a.every((item, i) => pyEquals(item, b[i]!))
  }
  if (left instanceof PyNone || right instanceof PyNone) return left === right
  if (left instanceof PyFunction || right instanceof PyFunction) return left === right
  return false
}

function orderValues(left: PyValue, right: PyValue, op: string): number {
  if (kindOf(left) !== null && kindOf(right) !== null) return compareNumbers(left, right)
  if (typeof left === 'string' && typeof right === 'string') return left < right ? -1 : left > right ? 1 : 0
  if ((left instanceof PyList && right instanceof PyList) || (left instanceof PyTuple && right instanceof PyTuple)) {
    const n = Math.min(left.items.length, right.items.length)
    for (let i = 0; i < n; i++) {
      if (!pyEquals(left.items[i]!, right.items[i]!)) return orderValues(unlabel(left.items[i]!), unlabel(right.items[i]!), op)
    }
    return left.items.length - right.items.length
  }
  throw new ExpressionError('TypeError', `'${op}' not supported between instances of '${pyTypeName(left)}' and '${pyTypeName(right)}'`)
}

function compareNumbers(left: PyValue, right: PyValue): number {
  if (typeof left === 'number' && typeof right === 'number') return left < right ? -1 : left > right ? 1 : 0
  if (typeof left === 'number' && !Number.isFinite(left)) return Number.isNaN(left) ? NaN : left
  if (typeof right === 'number' && !Number.isFinite(right)) return Number.isNaN(right) ? NaN : -right
  return toFraction(left).compare(toFraction(right))
}

/** Python truthiness. */
export function isTruthy(valueIn: PyValue): boolean {
  const value = unlabel(valueIn)
  if (typeof value === 'boolean') return value
  if (typeof value === 'bigint') return value !== 0n
  if (typeof value === 'number') return value !== 0
  if (typeof value === 'string') return value.length > 0
  if (value instanceof PyFraction) return value.numerator !== 0n
  if (value instanceof PyList || value instanceof PyTuple) return value.items.length > 0
  if (value instanceof PyRange) return value.length > 0n
  if (value instanceof PyNone) return false
  return true
}

function unsupported(op: string, left: PyValue, right: PyValue): ExpressionError {
  return new ExpressionError('TypeError', `unsupported operand type(s) for ${op}: '${pyTypeName(left)}' and '${pyTypeName(right)}'`)
}

function zeroDivision(message: string): ExpressionError {
  return new ExpressionError('ZeroDivisionError', message)
}

