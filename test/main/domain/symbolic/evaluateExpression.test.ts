import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createRandom } from '../../../../src/main/domain/random/seededRandom'
import { evaluateExpression } from '../../../../src/main/domain/symbolic/evaluateExpression'
import { ExpressionError } from '../../../../src/main/domain/symbolic/ExpressionError'
import { parseExpression } from '../../../../src/main/domain/symbolic/parseExpression'
import { PyFraction } from '../../../../src/main/domain/symbolic/PyFraction'
import { PyLabelled, pyRepr, type PyValue } from '../../../../src/main/domain/symbolic/PyValue'
import { TemplateScope } from '../../../../src/main/domain/symbolic/TemplateScope'

function py(source: string, variables: Record<string, PyValue> = {}): PyValue {
  const scope = new TemplateScope(createRandom(1))
  for (const [name, value] of Object.entries(variables)) scope.variables.set(name, value)
  return evaluateExpression(parseExpression(source), scope)
}

/**
 * Each expression with the repr() CPython 3 gives for it (computed with python3 when this table was written).
 * Covers the semantics the templates lean on: // floors, % takes the divisor's sign, / is float division,
 * ** binds tighter than unary minus and is right-associative, comparisons chain, and/or return an operand,
 * round() rounds halves to even on the exact binary value, Fraction stays exact and compares exactly with floats.
 */
const pythonResults: [string, string][] = [
  ["7 // 2", "3"],
  ["-7 // 2", "-4"],
  ["7 // -2", "-4"],
  ["-7 % 2", "1"],
  ["7 % -2", "-1"],
  ["7 / 2", "3.5"],
  ["6 / 3", "2.0"],
  ["2 ** 10", "1024"],
  ["2 ** -1", "0.5"],
  ["-2 ** 2", "-4"],
  ["2 ** 3 ** 2", "512"],
  ["-7.5 // 2", "-4.0"],
  ["-7.5 % 2", "0.5"],
  ["7.5 % -2", "-0.5"],
  ["5.0 % 0.1", "0.09999999999999973"],
  ["5 % 0.3", "0.20000000000000018"],
  ["-5 % 0.3", "0.09999999999999981"],
  ["0.1 + 0.2", "0.30000000000000004"],
  ["0.1 + 0.2 == 0.3", "False"],
  ["1 == 1.0", "True"],
  ["True + 1", "2"],
  ["int(7.9)", "7"],
  ["int(-7.9)", "-7"],
  ["int(Fraction(-7, 2))", "-3"],
  ["round(2.5)", "2"],
  ["round(3.5)", "4"],
  ["round(-2.5)", "-2"],
  ["round(0.5)", "0"],
  ["round(2.675, 2)", "2.67"],
  ["round(0.125, 2)", "0.12"],
  ["round(0.375, 2)", "0.38"],
  ["round(1234, -2)", "1200"],
  ["round(1250, -2)", "1200"],
  ["round(Fraction(5, 2))", "2"],
  ["round(7.45, 1)", "7.5"],
  ["round(2.5, 0)", "2.0"],
  ["abs(-3)", "3"],
  ["abs(-2.5)", "2.5"],
  ["min(3, 1, 2)", "1"],
  ["max([1, 5, 2])", "5"],
  ["sum([1, 2, 3])", "6"],
  ["sum([0.1, 0.2])", "0.30000000000000004"],
  ["len([1, 2, 3])", "3"],
  ["len(\"abc\")", "3"],
  ["len(range(10, 500, 10))", "49"],
  ["[1, 2] + [3]", "[1, 2, 3]"],
  ["[1, 2] * 2", "[1, 2, 1, 2]"],
  ["\"ab\" * 2", "'abab'"],
  ["[10, 20, 30][-1]", "30"],
  ["[10, 20, 30][:2]", "[10, 20]"],
  ["[10, 20, 30][::-1]", "[30, 20, 10]"],
  ["\"Wednesday\"[0]", "'W'"],
  ["list(range(2, 6)) * 2", "[2, 3, 4, 5, 2, 3, 4, 5]"],
  ["range(10, 500, 10)[3]", "40"],
  ["1 < 2 < 3", "True"],
  ["1 < 3 < 2", "False"],
  ["3 > 2 == 2", "True"],
  ["0 or 5", "5"],
  ["3 and 0", "0"],
  ["not 0", "True"],
  ["\"a\" if 1 > 2 else \"b\"", "'b'"],
  ["2 * (7 if \"week\" == \"week\" else 30)", "14"],
  ["Fraction(1, 3) + Fraction(1, 6)", "Fraction(1, 2)"],
  ["Fraction(1, 3) * 3", "Fraction(1, 1)"],
  ["Fraction(2, 4)", "Fraction(1, 2)"],
  ["Fraction(0.1)", "Fraction(3602879701896397, 36028797018963968)"],
  ["Fraction(\"0.1\")", "Fraction(1, 10)"],
  ["Fraction(1, 10) == 0.1", "False"],
  ["Fraction(1, 2) == 0.5", "True"],
  ["Fraction(3, 4) + 0.25", "1.0"],
  ["Fraction(7, 2) // 1", "3"],
  ["Fraction(-7, 2) % 2", "Fraction(1, 2)"],
  ["10 // Fraction(3, 4)", "13"],
  ["2 / Fraction(4)", "Fraction(1, 2)"],
  ["Fraction(2, 3) ** 2", "Fraction(4, 9)"],
  ["Fraction(4) ** Fraction(1, 2)", "2.0"],
  ["12 * 10 / (2 * 6)", "10.0"],
  ["int((2 * 6) / (10 * 12) * 100)", "10"],
  ["1e3", "1000.0"],
  ["3 in [1, 2, 3]", "True"],
  ["\"x\" not in \"abc\"", "True"],
  ["2 ** 0.5", "1.4142135623730951"],
  ["(1, 2)", "(1, 2)"],
  ["(1,)", "(1,)"],
  ["1_000", "1000"],
  ["float(3)", "3.0"],
  ["str(2.50)", "'2.5'"],
  ["int(\"42\")", "42"],
  ["10 ** 20", "100000000000000000000"],
  ["2 ** 64 / 3", "6.148914691236517e+18"],
  ["7 // 2.0", "3.0"],
  ["min([2.5, Fraction(1, 2), 3])", "Fraction(1, 2)"],
  ["max(Fraction(1, 3), 0.3)", "Fraction(1, 3)"],
  ["1 != 1.0", "False"],
  ["\"ab\" < \"b\"", "True"],
  ["[1, 2] == [1, 2]", "True"],
  ["(1 + 2) * 3 - 4 / 2", "7.0"],
  ["-3 ** 2 + 10 % 4 // 3", "-9"],
]

describe('evaluateExpression (Python semantics)', () => {
  it.each(pythonResults)('%s == %s', (source, expected) => {
    expect(pyRepr(py(source))).toBe(expected)
  })

  it('keeps int arithmetic exact and turns / into a float, as Python 3 does', () => {
    expect(py('2 ** 70 + 1')).toBe(2n ** 70n + 1n)
    expect(typeof py('6 / 3')).toBe('number')
    expect(typeof py('k * y // 12', { k: 2n, y: 6n })).toBe('bigint')
    // Template 0's answer: float arithmetic, truncated by int().
    expect(py('int(k*y/(12*x)*100)', { k: 2n, y: 6n, x: 10n })).toBe(10n)
  })

  it('floor division and modulo satisfy a == (a // b) * b + a % b with the sign of b (ints)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.bigInt({ min: -1000n, max: 1000n }).filter((b) => b !== 0n), (a, b) => {
        const q = py('a // b', { a, b }) as bigint
        const r = py('a % b', { a, b }) as bigint
        expect(q * b + r).toBe(a)
        expect(r === 0n || r < 0n === b < 0n).toBe(true)
        expect(r < 0n ? -r : r).toBeLessThan(b < 0n ? -b : b)
      })
    )
  })

  it('float modulo takes the sign of the divisor and float floor division is a whole float', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 0.001, max: 1000, noNaN: true }), fc.boolean(), (a, bAbs, negative) => {
        const b = negative ? -bAbs : bAbs
        const r = py('a % b', { a, b }) as number
        const q = py('a // b', { a, b }) as number
        expect(r === 0 || r < 0 === b < 0).toBe(true)
        expect(Math.abs(r)).toBeLessThanOrEqual(Math.abs(b))
        expect(Number.isInteger(q)).toBe(true)
      })
    )
  })

  it('round() sends exact halves to the even neighbour', () => {
    fc.assert(
      fc.property(fc.integer({ min: -100000, max: 100000 }), (n) => {
        const rounded = py('round(x)', { x: n + 0.5 }) as bigint
        expect(rounded % 2n).toBe(0n)
        expect(rounded === BigInt(n) || rounded === BigInt(n + 1)).toBe(true)
      })
    )
  })

  it('Fractions are exact: (a/b) * b == a for any a, b', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -1000n, max: 1000n }), fc.bigInt({ min: 1n, max: 1000n }), (a, b) => {
        expect(pyRepr(py('Fraction(a, b) * b == a', { a, b }))).toBe('True')
      })
    )
  })

  it('has the GSM-Symbolic helpers: is_int, divides (first divisible by second), format_frac', () => {
    expect(py('is_int(3.0)')).toBe(true)
    expect(py('is_int(2.5)')).toBe(false)
    expect(py('is_int(Fraction(4, 2))')).toBe(true)
    expect(py('is_int(0.1 * 3 * 10)')).toBe(false) // 3.0000000000000004, exactly as in Python
    // Template 0 on GSM8K's numbers: divides(k*y, 12), divides(x * 12, k*y), divides(100, x * 12 / (k*y)).
    expect(py('divides(12, 12) and divides(120, 12) and divides(100, 120 / 12)')).toBe(true)
    expect(py('divides(12, 120)')).toBe(false)
    expect(py('divides(60, Fraction(4, 5))')).toBe(true)
    expect(py('not divides(7, 5)')).toBe(true)
    expect(py('format_frac(Fraction(7, 2))')).toBe('3 1/2')
    expect(py('format_frac(Fraction(-7, 2))')).toBe('-3 1/2')
    expect(py('format_frac(Fraction(1, 2))')).toBe('1/2')
    expect(py('format_frac(5 - Fraction(30, 60))')).toBe('4 1/2')
  })

  it('treats a labelled value as its number, except for indexing', () => {
    const mult = new PyLabelled('twice', 2n)
    expect(py('mult * 3', { mult })).toBe(6n)
    expect(py('mult[1] + 1', { mult })).toBe(3n)
    expect(py('mult[0]', { mult })).toBe('twice')
    expect(py('int(bill) * 2', { bill: new PyLabelled(20n, 20n) })).toBe(40n)
    expect(py('target < sides', { target: 3n, sides: new PyLabelled('six-sided', 6n) })).toBe(true)
    expect(py('is_int(n * frac)', { n: 10n, frac: new PyLabelled('half', new PyFraction(1n, 2n)) })).toBe(true)
  })

  it('samples with the seeded PRNG: sample, sample(…, k) distinct, sample_sequential consecutive (wrapping)', () => {
    for (let seed = 0; seed < 50; seed++) {
      const scope = new TemplateScope(createRandom(seed))
      const three = evaluateExpression(parseExpression('sample(["a", "b", "c", "d"], 3)'), scope)
      expect(new Set(pyRepr(three).match(/'.'/g)).size).toBe(3)
      const days = pyRepr(evaluateExpression(parseExpression('sample_sequential(weekdays, 3)'), scope))
      expect(days).toMatch(/^\['(\w+)', '(\w+)', '(\w+)'\]$/)
      const week = 'Monday Tuesday Wednesday Thursday Friday Saturday Sunday Monday Tuesday'
      expect(week).toContain(days.replace(/[[\]',]/g, '').replace(/\s+/g, ' '))
    }
    const draw = (seed: number) => pyRepr(evaluateExpression(parseExpression('[sample(range(10, 500, 10)), sample(names), sample(fractions)]'), new TemplateScope(createRandom(seed))))
    expect(draw(7)).toBe(draw(7))
    expect(new Set([1, 2, 3, 4, 5].map(draw)).size).toBeGreaterThan(1)
  })

  it('reads the numeric list helpers: numbers_within (words), np.arange, fix_floats, frange', () => {
    expect(pyRepr(py('numbers_within(2, 4)'))).toBe("[('two', 2), ('three', 3), ('four', 4)]")
    expect(pyRepr(py('np.arange(0.25, 1, 0.25)'))).toBe('[0.25, 0.5, 0.75]')
    expect(pyRepr(py('np.arange(1, 4)'))).toBe('[1, 2, 3]')
    expect(pyRepr(py('fix_floats(np.arange(1.26, 2.3, 0.33))'))).toBe('[1.26, 1.59, 1.92, 2.25]')
    expect(pyRepr(py('frange(2.25, 3, 0.25)'))).toBe('[2.25, 2.5, 2.75]')
  })

  it.each([
    ['x + 1', 'NameError', "name 'x' is not defined"],
    ["__import__('os')", 'NameError', "name '__import__' is not defined"],
    ['constructor', 'NameError', "name 'constructor' is not defined"],
    ['"a" + 1', 'TypeError', "unsupported operand type(s) for +: 'str' and 'int'"],
    ['1 / 0', 'ZeroDivisionError', 'division by zero'],
    ['5 % 0', 'ZeroDivisionError', 'modulo by zero'],
    ['[1, 2][5]', 'IndexError', 'index out of range'],
    ['(lambda: 1)()', 'SyntaxError', "'lambda' is not supported"],
    ['1 +', 'SyntaxError', 'unexpected end of expression'],
    ['x = 1', 'SyntaxError', "unexpected '='"]
  ])('%s raises %s', (source, kind, message) => {
    let caught: unknown
    try {
      py(source)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(ExpressionError)
    expect((caught as ExpressionError).kind).toBe(kind)
    expect((caught as ExpressionError).message).toContain(message)
  })
})
