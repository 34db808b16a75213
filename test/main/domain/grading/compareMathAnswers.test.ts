import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compareMathAnswers } from '../../../../src/main/domain/grading/compareMathAnswers'

const equivalent = (prediction: string, gold: string) => compareMathAnswers(prediction, gold).equivalent

/** Hand-written cases for every category issue #12 lists, as [prediction, gold, verdict]. */
const categories: Record<string, readonly (readonly [string, string, boolean])[]> = {
  'numbers: thousands separators': [
    ['7,425,000', '7425000', true],
    ['1,000.99', '1000.99', true],
    ['10,\\!080', '10080', true],
    ['7,425,001', '7425000', false]
  ],
  'numbers: an unambiguous decimal comma': [
    ['3,14', '3.14', true],
    ['1,5', '1.5', true],
    ['0,25', '\\frac14', true],
    ['1,5', '1, 5', true], // against a list it is the list
    ['1,5', '15', false],
    ['1,500', '1.5', false] // three digits after the comma: thousands
  ],
  'numbers: percent': [
    ['50\\%', '50', true],
    ['50\\%', '0.5', true],
    ['0.5', '50\\%', true],
    ['12.5%', '\\frac18', true],
    ['50\\%', '0.05', false]
  ],
  'numbers: scientific notation': [
    ['1.5\\times10^{3}', '1500', true],
    ['1.5 \\cdot 10^3', '1500', true],
    ['1.5e3', '1500', true],
    ['2\\times 10^{-4}', '0.0002', true],
    ['10^{6}', '1000000', true],
    ['1.5\\times10^{4}', '1500', false]
  ],
  'numbers: rounding to 6 decimal places when one side is a decimal': [
    ['0.333333', '\\frac13', true],
    ['1.414214', '\\sqrt2', true],
    ['3.141593', '\\pi', true],
    ['0.333', '\\frac13', false],
    ['0.004687', '\\frac{3}{640}', true], // 0.0046875, a tie rounded either way
    ['0.004688', '\\frac{3}{640}', true],
    ['0.004686', '\\frac{3}{640}', false],
    ['1.414', '\\sqrt{2}', false],
    ['2000.0001', '2000', false]
  ],
  'fractions, radicals, π and expressions, symbolically': [
    ['\\frac{\\sqrt{3}}{3}', '\\frac{1}{\\sqrt3}', true],
    ['3\\sqrt{13}', '\\sqrt{117}', true],
    ['\\frac{\\pi}{2}', '\\frac12\\pi', true],
    ['18+2\\pi', '2\\pi+18', true],
    ['(x-2)(x+2)', 'x^2-4', true],
    ['\\frac{2}{3}\\pi r^3', '\\frac{2\\pi r^3}{3}', true],
    ['x^2+4', 'x^2-4', false],
    ['\\frac{\\pi}{3}', '\\frac{\\pi}{2}', false]
  ],
  'equations: the same solution set': [
    ['2x+4y-3=0', 'y=-\\frac{1}{2}x+\\frac{3}{4}', true],
    ['y=-\\frac{1}{2}x+\\frac{3}{4}', '2x+4y-3=0', true],
    ['x + y = 1', '2x + 2y - 2 = 0', true],
    ['x = 5', 'x = 5.0', true],
    ['x + y = 1', 'x - y = 1', false],
    ['y = 2x + 1', 'y = 2x - 1', false]
  ],
  'relations: the same relation or interval': [
    ['5 \\leq x', 'x \\geq 5', true],
    ['x \\neq 3', 'x != 3', true],
    ['x \\ne 3', 'x \\neq 3', true],
    ['3 > x', 'x < 3', true],
    ['2x < 6', 'x < 3', true],
    ['-x > -3', 'x < 3', true],
    ['1 < x \\leq 3', '(1, 3]', true],
    ['x \\geq 5', '[5, \\infty)', true],
    ['x \\leq -2', '(-\\infty, -2]', true],
    ['x > 3', 'x < 3', false],
    ['x \\geq 5', 'x > 5', false],
    ['-x < -3', 'x < 3', false],
    ['1 < x < 3', '(1, 3]', false]
  ],
  'chains count by their last value': [
    ['x = 5+5+1 = 7 = 11', '11', true],
    ['5+5+1 = 11', '11', true],
    ['x = 2 \\cdot 3 = 6', 'x = 6', true],
    ['x = 5+5+1 = 7 = 11', '7', false]
  ],
  'assignments against values': [
    ['x = 5', '5', true],
    ['k=3', '3', true],
    ['5', 'x=5', true],
    ['x = 5', '6', false]
  ],
  'intervals, sets and tuples': [
    ['(3, 4]', '(3,4]', true],
    ['(3,4]', '(3,4)', false],
    ['\\{1,2\\}', '\\{2,1\\}', true],
    ['\\{3\\}', '3', true],
    ['10, 4, -2', '4, 10, -2', true],
    ['1 \\pm \\sqrt{19}', '1-\\sqrt{19}, 1+\\sqrt{19}', true],
    ['(1,2)', '(2,1)', false],
    ['(6,31,-1)', '(6, 31, -1)', true],
    ['(-\\infty, 2) \\cup (3, \\infty)', '(-\\infty,2)\\cup(3,\\infty)', true],
    ['1, 2, 3', '1, 2', false]
  ],
  'matrices and vectors in any environment': [
    ['\\left[\\begin{array}{cc}1&2\\\\3&4\\end{array}\\right]', '\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}', true],
    ['\\begin{bmatrix}1\\\\2\\end{bmatrix}', '\\begin{pmatrix}1\\\\2\\end{pmatrix}', true],
    ['\\begin{pmatrix}0.5\\\\-\\frac13\\end{pmatrix}', '\\begin{pmatrix}\\frac12\\\\-1/3\\end{pmatrix}', true],
    ['\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}', '\\begin{pmatrix}1&2\\\\4&3\\end{pmatrix}', false],
    ['\\begin{pmatrix}1&2\\end{pmatrix}', '\\begin{pmatrix}1\\\\2\\end{pmatrix}', false]
  ],
  'units, degrees, \\text{} and \\mathrm{}': [
    ['5\\text{ cm}', '5', true],
    ['10 \\mathrm{cm}', '10', true],
    ['30^\\circ', '30', true],
    ['30^{\\circ}', '30^\\circ', true],
    ['\\$18.90', '18.9', true],
    ['1.5 \\text{ m}', '150 \\text{ cm}', true],
    ['2 \\text{ hours}', '120 \\text{ minutes}', true],
    ['5\\text{ cm}', '50 \\text{ cm}', false],
    ['1.5 \\text{ m}', '150 \\text{ g}', false]
  ],
  'answers as text or a choice letter': [
    ['\\text{Evelyn}', 'Evelyn', true],
    ['\\textbf{east}', 'East', true],
    ['\\text{(C)}', 'C', true],
    ['C)', '(C)', true],
    ['\\text{(C)}', '(B)', false],
    ['Devon', 'Evelyn', false]
  ]
}

describe('compareMathAnswers', () => {
  for (const [category, cases] of Object.entries(categories)) {
    it.each(cases)(`${category}: %j vs %j is %s`, (prediction, gold, expected) => {
      const result = compareMathAnswers(prediction, gold)
      expect(result.equivalent, result.reason).toBe(expected)
      expect(result.reason.length).toBeGreaterThan(0)
    })
  }

  it('grades what cannot be parsed as wrong, with the reason, and never throws', () => {
    expect(compareMathAnswers('x^2+}{', '3')).toEqual({ equivalent: false, reason: 'could not parse "x^2+}{"' })
    expect(compareMathAnswers('2^{100000000}', '3')).toEqual({ equivalent: false, reason: '"2^{100000000}" is too large to evaluate' })
    expect(compareMathAnswers(null, '3')).toEqual({ equivalent: false, reason: 'no answer' })
    expect(compareMathAnswers('$ $', '3').reason).toMatch(/nothing is left of the answer/)
    expect(compareMathAnswers('3', '')).toEqual({ equivalent: false, reason: 'the gold answer is empty' })
  })

  it('says how a right answer matched', () => {
    expect(compareMathAnswers('7,425,000', '7425000').reason).toBe('equal as numbers')
    expect(compareMathAnswers('5 \\leq x', 'x \\geq 5').reason).toBe('the same relation')
    expect(compareMathAnswers('\\sqrt{8}', '2\\sqrt2').reason).toBe('symbolically equal')
    expect(compareMathAnswers('1 < x \\leq 3', '(1, 3]').reason).toBe('the same interval')
  })

  it('cuts a comparison off at its time limit and grades it wrong', () => {
    // A clock that jumps 10 ms per reading: the budget of 25 ms runs out within the first few steps of a set.
    let now = 0
    const clock = () => (now += 10)
    const result = compareMathAnswers('\\{1, 2, 3, 4, 5, 6\\}', '\\{6, 5, 4, 3, 2, 7\\}', { timeLimitMs: 25, clock })
    expect(result).toEqual({ equivalent: false, reason: 'gave up after the 25 ms time limit' })
    // With the real clock and the default limit the same comparison finishes.
    expect(compareMathAnswers('\\{1, 2, 3, 4, 5, 6\\}', '\\{6, 5, 4, 3, 2, 1\\}').equivalent).toBe(true)
  })

  describe('properties', () => {
    const thousands = (n: bigint) => n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')

    it('a number equals itself with thousands separators, as a percent of 100 times it, and in scientific notation', () => {
      fc.assert(
        fc.property(fc.bigInt({ min: 1000n, max: 10n ** 12n }), (n) => {
          expect(equivalent(thousands(n), n.toString())).toBe(true)
          expect(equivalent(`${n}\\%`, String(Number(n) / 100))).toBe(true)
          expect(equivalent(thousands(n + 1n), n.toString())).toBe(false)
          const digits = n.toString()
          const mantissa = `${digits[0]}.${digits.slice(1)}`
          expect(equivalent(`${mantissa}\\times10^{${digits.length - 1}}`, digits)).toBe(true)
        }),
        { numRuns: 200 }
      )
    })

    it('a decimal rounded to 6 places equals the fraction; one rounded to 3 places does not (unless exact)', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 999 }), fc.integer({ min: 2, max: 997 }), (p, q) => {
          const value = p / q
          expect(equivalent(value.toFixed(6), `\\frac{${p}}{${q}}`)).toBe(true)
          const short = value.toFixed(3)
          expect(equivalent(short, `\\frac{${p}}{${q}}`)).toBe(Math.abs(Number(short) - value) <= 5e-7)
        }),
        { numRuns: 200 }
      )
    })

    it('a list of solutions equals any permutation of it, and not the list with one changed', () => {
      fc.assert(
        fc.property(fc.uniqueArray(fc.integer({ min: -50, max: 50 }), { minLength: 2, maxLength: 6 }), fc.integer(), (values, shuffleSeed) => {
          const shuffled = [...values].sort((a, b) => ((a * 31 + shuffleSeed) % 7) - ((b * 31 + shuffleSeed) % 7))
          expect(equivalent(values.join(', '), shuffled.join(','))).toBe(true)
          expect(equivalent(`\\{${values.join(',')}\\}`, `\\{${shuffled.join(', ')}\\}`)).toBe(true)
          const changed = [...values]
          changed[0] = Math.max(...values) + 1
          expect(equivalent(changed.join(', '), values.join(', '))).toBe(false)
        }),
        { numRuns: 100 }
      )
    })

    it('a linear inequality equals itself flipped and scaled by a positive number, and not its reverse', () => {
      const op = fc.constantFrom(['<', '>'], ['\\leq', '\\geq'], ['\\le', '\\ge'])
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: -20, max: 20 }), fc.integer({ min: 2, max: 5 }), op, (a, b, c, [less, greater]) => {
          const base = `${a}x ${less} ${b}`
          expect(equivalent(`${b} ${greater} ${a}x`, base)).toBe(true)
          expect(equivalent(`${a * c}x ${less} ${b * c}`, base)).toBe(true)
          expect(equivalent(`${a}x ${greater} ${b}`, base)).toBe(false)
        }),
        { numRuns: 60 }
      )
    })

    it('a chain x = e = … = v counts by v', () => {
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 0, max: 99 }), { minLength: 1, maxLength: 4 }), fc.integer({ min: -99, max: 99 }), (terms, v) => {
          const sum = terms.reduce((s, t) => s + t, 0)
          expect(equivalent(`x = ${terms.join(' + ')} = ${sum}`, String(sum))).toBe(true)
          expect(equivalent(`${terms.join(' + ')} = ${v}`, String(v))).toBe(true)
          expect(equivalent(`x = ${sum} = ${v}`, String(sum))).toBe(v === sum)
        }),
        { numRuns: 100 }
      )
    })
  })
})
