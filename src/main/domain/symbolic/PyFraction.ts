/**
 * Python's `fractions.Fraction`: an exact rational of BigInts, always reduced, denominator positive.
 * Templates use it (`Fraction(m, t)`) and the fraction lists hold it, so `n * frac` stays exact where
 * a float would make `is_int(15 * 0.2)` false.
 */
export class PyFraction {
  readonly numerator: bigint
  readonly denominator: bigint

  constructor(numerator: bigint, denominator: bigint = 1n) {
    if (denominator === 0n) throw new RangeError('Fraction(…, 0)')
    if (denominator < 0n) {
      numerator = -numerator
      denominator = -denominator
    }
    const g = gcd(abs(numerator), denominator)
    this.numerator = numerator / g
    this.denominator = denominator / g
  }

  /** The exact value of a finite double, as Python's `Fraction(0.1)` gives (0.1 is not 1/10 in binary). */
  static fromFloat(value: number): PyFraction {
    if (!Number.isFinite(value)) throw new RangeError(`cannot convert ${value} to a Fraction`)
    if (Number.isInteger(value)) return new PyFraction(BigInt(value))
    const view = new DataView(new ArrayBuffer(8))
    view.setFloat64(0, value)
    const bits = view.getBigUint64(0)
    const negative = bits >> 63n === 1n
    const exponentBits = Number((bits >> 52n) & 0x7ffn)
    const fractionBits = bits & 0xfffffffffffffn
    // Normal numbers have an implicit leading 1; subnormals have exponent 1 - 1023 and none.
    const mantissa = exponentBits === 0 ? fractionBits : fractionBits | (1n << 52n)
    const exponent = (exponentBits === 0 ? 1 : exponentBits) - 1023 - 52
    const signed = negative ? -mantissa : mantissa
    return exponent >= 0 ? new PyFraction(signed << BigInt(exponent)) : new PyFraction(signed, 1n << BigInt(-exponent))
  }

  isInteger(): boolean {
    return this.denominator === 1n
  }

  add(other: PyFraction): PyFraction {
    return new PyFraction(this.numerator * other.denominator + other.numerator * this.denominator, this.denominator * other.denominator)
  }

  sub(other: PyFraction): PyFraction {
    return new PyFraction(this.numerator * other.denominator - other.numerator * this.denominator, this.denominator * other.denominator)
  }

  mul(other: PyFraction): PyFraction {
    return new PyFraction(this.numerator * other.numerator, this.denominator * other.denominator)
  }

  div(other: PyFraction): PyFraction {
    if (other.numerator === 0n) throw new RangeError('division by zero')
    return new PyFraction(this.numerator * other.denominator, this.denominator * other.numerator)
  }

  /** Python's `a // b` on Fractions: the floor, as an int. */
  floorDiv(other: PyFraction): bigint {
    if (other.numerator === 0n) throw new RangeError('division by zero')
    return floorDivide(this.numerator * other.denominator, this.denominator * other.numerator)
  }

  /** Python's `a % b`: `a - b * (a // b)`, so the result takes the sign of `b`. */
  mod(other: PyFraction): PyFraction {
    return this.sub(other.mul(new PyFraction(this.floorDiv(other))))
  }

  neg(): PyFraction {
    return new PyFraction(-this.numerator, this.denominator)
  }

  compare(other: PyFraction): -1 | 0 | 1 {
    const left = this.numerator * other.denominator
    const right = other.numerator * this.denominator
    return left < right ? -1 : left > right ? 1 : 0
  }

  /** Truncation toward zero, as Python's `int(Fraction)`. */
  trunc(): bigint {
    return this.numerator / this.denominator
  }

  floor(): bigint {
    return floorDivide(this.numerator, this.denominator)
  }

  /** The nearest double, as Python's `float(Fraction)`. */
  toNumber(): number {
    const n = this.numerator
    const d = this.denominator
    // Both operands exact in a double: IEEE division is correctly rounded, as Python's is.
    if (abs(n) <= maxSafe && d <= maxSafe) return Number(n) / Number(d)
    // Otherwise scale to a quotient of about 64 significant bits first (exact to well under an ulp).
    const shift = 64 - (bitLength(abs(n)) - bitLength(d))
    const q = shift >= 0 ? (n << BigInt(shift)) / d : n / (d << BigInt(-shift))
    return Number(q) * 2 ** -shift
  }

  /** `3/4`, or `3` when whole: Python's `str(Fraction)`. */
  toString(): string {
    return this.denominator === 1n ? this.numerator.toString() : `${this.numerator}/${this.denominator}`
  }
}

const maxSafe = BigInt(Number.MAX_SAFE_INTEGER)

/** Python's `//` on ints: rounds toward minus infinity (BigInt division truncates). */
export function floorDivide(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new RangeError('division by zero')
  const q = a / b
  return (a % b !== 0n) && (a < 0n) !== (b < 0n) ? q - 1n : q
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b]
  return a === 0n ? 1n : a
}

function abs(a: bigint): bigint {
  return a < 0n ? -a : a
}

function bitLength(a: bigint): number {
  return a === 0n ? 0 : a.toString(2).length
}
