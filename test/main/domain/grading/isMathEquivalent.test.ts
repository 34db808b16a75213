import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isMathEquivalent } from '../../../../src/main/domain/grading/isMathEquivalent'
import { prepareMathAnswer } from '../../../../src/main/domain/grading/normalizeMathAnswer'

describe('isMathEquivalent', () => {
  // hendrycks/math modeling/math_equivalence_test.py, all of its cases, strings as Python sees them. Two differ from
  // Hendrycks' string comparison: a comma list is a list of solutions ("Enter all the solutions, separated by
  // commas"), equal in any order, as Math-Verify grades it; ordered answers are tuples, written in brackets.
  it.each([
    ['\\tfrac{1}{2} + \\frac1{72}', '\\\\frac{1}{2} + 2/3', false],
    ['10, 4, -2', '4, 10, -2', true],
    ['10, 4, 2', '4, 12, 2', false],
    ['\\tfrac{1}{2} +\\! \\frac1{72}', '\\\\dfrac{1}{2} +\\frac{1}{72}', true],
    ['10\\text{ units}', '10 ', true],
    ['10\\text{ units}', '100 ', false],
    ['10', '\\$10', true],
    ['\\left(x-2\\right)\\left(x+2\\right)', '(x-2)(x+2)', true],
    ['0.1, 4, 2', '4, .1, 2', true],
    ['0.1', '.1', true],
    ['10\\%', '10', true],
    ['10\\sqrt{3} + \\sqrt4', '10\\sqrt3 + \\sqrt{4}', true],
    ['\\frac34i', '\\frac{3}{4}i', true],
    ['\\tfrac83', '\\frac{8}{3}', true],
    ['5x - 7y + 11z + 4 = 0', 'x + y - z + 2 = 0', false],
    ['1/2', '\\frac{1}{2}', true]
  ])("Hendrycks: is_equiv(%j, %j) is %s", (a, b, expected) => {
    expect(isMathEquivalent(a, b)).toBe(expected)
  })

  it.each([
    // Numbers: exact as fractions, no float tolerance for rationals.
    ['0.5', '\\frac{1}{2}', true],
    ['\\dfrac{17}{50}', '0.34', true],
    ['0.333', '\\frac{1}{3}', false],
    ['-\\frac{35}{9}', '-35/9', true],
    ['1\\frac{4}{5}', '\\frac{9}{5}', true],
    ['137 \\frac{1}{2}', '137.5', true],
    ['10,080', '10080', true],
    ['11,\\! 111,\\! 111,\\! 100', '11111111100', true],
    ['\\$32,\\!348', '32348', true],
    ['0.0000672', '.0000672', true],
    ['2000', '2000.0001', false],
    // Symbolic.
    ['2\\sqrt{2}', '\\sqrt{8}', true],
    ['\\frac{\\sqrt{3}}{3}', '\\frac{1}{\\sqrt3}', true],
    ['(x-2)(x+2)', 'x^2-4', true],
    ['x^2-4', 'x^2+4', false],
    ['2k+2', '2(k+1)', true],
    ['\\frac{11+9a}{20}', '\\frac{9a+11}{20}', true],
    ['\\cot x', '\\frac{\\cos x}{\\sin x}', true],
    ['6 - 5i', '6-5i', true],
    ['6 - 5i', '6+5i', false],
    ['18+2\\pi', '2\\pi + 18', true],
    ['\\pi', '3.14159', false],
    ['1.414', '\\sqrt{2}', false],
    ['3\\sqrt{13}', '\\sqrt{117}', true],
    ['\\frac{3\\sqrt{3}}{4}', '\\frac{3}{4}\\sqrt3', true],
    // Structures.
    ['(3,4]', '(3,4)', false],
    ['(3, 4]', '(3,4]', true],
    ['\\left(\\frac{3}{5},\\frac{8}{3}\\right]', '(0.6, \\frac{8}{3}]', true],
    ['(1,2)', '(2,1)', false],
    ['(6,31,-1)', '(6, 31, -1)', true],
    ['(1,2)', '1,2', false],
    ['(-\\infty, 0]', '(-\\infty,0]', true],
    ['(-\\infty, 2) \\cup (3, \\infty)', '(-\\infty,2)\\cup(3,\\infty)', true],
    ['(-\\infty, 2) \\cup (3, \\infty)', '(3,\\infty)\\cup(-\\infty,2)', false],
    ['1,-2', '1, -2', true],
    ['1,-2', '-2, 1', true],
    ['1,-2', '-2, 2', false],
    ['1 \\pm \\sqrt{19}', '1-\\sqrt{19}, 1+\\sqrt{19}', true],
    ['1 \\pm \\sqrt{19}', '1+\\sqrt{19}', false],
    ['3 \\pm 2 \\sqrt{2}', '3+2\\sqrt2,3-2\\sqrt2', true],
    ['\\{1\\pm\\sqrt{5},-2\\}', '-2, 1+\\sqrt5, 1-\\sqrt5', true],
    ['\\{1,2\\}', '\\{2,1\\}', true],
    ['\\begin{pmatrix} -1/3 \\\\ 2/3 \\\\ 5/3 \\end{pmatrix}', '\\begin{pmatrix}-\\frac13\\\\\\frac23\\\\\\frac53\\end{pmatrix}', true],
    ['\\begin{pmatrix} -1 & 0 \\\\ 0 & -1 \\end{pmatrix}', '\\begin{bmatrix} -1 & 0 \\\\ 0 & -1 \\end{bmatrix}', true],
    ['\\begin{pmatrix} -1 & 0 \\\\ 0 & -1 \\end{pmatrix}', '\\begin{pmatrix} -1 & 0 \\\\ 0 & 1 \\end{pmatrix}', false],
    ['\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}', '(1,2)', false],
    // Equations and named answers.
    ['x=5', '5', true],
    ['y = 2x + 3', '2x+3', true],
    ['2x + 2y = 2', 'x + y = 1', true],
    ['x + y = 1', 'x - y = 1', false],
    ['x \\in [-2,7]', '[-2,7]', true],
    // Units, degrees, text.
    ['90^\\circ', '90', true],
    ['\\frac{270}7\\text{ degrees}', '\\frac{270}{7}', true],
    ['5.4 \\text{ cents}', '5.4', true],
    ['\\text{Evelyn}', 'Evelyn', true],
    ['\\text{east}', 'East', true],
    ['\\text{(C)}', 'C', true],
    ['\\text{(C)}', '(B)', false],
    // Other bases are answers in that base: 52_8 is 42, but 42 is not the answer.
    ['52_8', '52_{8}', true],
    ['52_8', '42', false],
    ['\\infty', '\\infty', true],
    ['\\infty', '-\\infty', false]
  ])('%j ≡ %j is %s', (a, b, expected) => {
    expect(isMathEquivalent(a, b)).toBe(expected)
  })

  it('is false for a missing or empty prediction', () => {
    expect(isMathEquivalent(null, '5')).toBe(false)
    expect(isMathEquivalent(undefined, '5')).toBe(false)
    expect(isMathEquivalent('', '')).toBe(false)
    expect(isMathEquivalent('$ $', '5')).toBe(false)
  })

  it('never hangs or throws on pathological inputs', () => {
    const nasty = [
      '2^{100000000}',
      '\\frac{10^{1000000}}{3}',
      '10^{10^{10}}',
      '2^{2^{2^{20}}}',
      '100000!',
      '\\sum_{n=1}^{10^9} n',
      '1'.repeat(5000),
      `${'('.repeat(400)}1${')'.repeat(400)}`,
      '\\frac{'.repeat(200),
      '}{\\frac',
      'x'.repeat(3000),
      '\\begin{pmatrix}',
      '\\boxed{'
    ]
    for (const a of nasty) {
      expect(isMathEquivalent(a, '3')).toBe(false)
      expect(isMathEquivalent('3', a)).toBe(false)
    }
    expect(isMathEquivalent('2^{100000000}', '2^{100000000}')).toBe(true)
  })

  const tokens = ['\\frac', '{', '}', '1', '2', '9', '0', 'x', 'y', '^', '(', ')', '[', ']', ',', '=', '-', '+', ' ', '\\pm', '\\cup', '\\{', '\\}', '\\sqrt', '.', '\\pi', 'i', '/', '\\text{', '$', '\\\\', '&']
  const latex = fc.array(fc.constantFrom(...tokens), { maxLength: 16 }).map((parts) => parts.join(''))

  it('property: never throws, is symmetric, and is reflexive for any non-empty answer', () => {
    fc.assert(
      fc.property(latex, latex, (a, b) => {
        const ab = isMathEquivalent(a, b)
        expect(typeof ab).toBe('boolean')
        expect(isMathEquivalent(b, a)).toBe(ab)
        if (prepareMathAnswer(a).length > 0) expect(isMathEquivalent(a, a)).toBe(true)
      }),
      { numRuns: 400 }
    )
  })

  it('property: a fraction equals its slash form and its exact decimal', () => {
    fc.assert(
      fc.property(fc.integer({ min: -999, max: 999 }), fc.constantFrom(1, 2, 4, 5, 8, 10, 16, 20, 25), (n, d) => {
        expect(isMathEquivalent(`\\dfrac{${n}}{${d}}`, `${n}/${d}`)).toBe(true)
        expect(isMathEquivalent(String(n / d), `\\frac{${n}}{${d}}`)).toBe(true)
        expect(isMathEquivalent(String(n / d + 1), `\\frac{${n}}{${d}}`)).toBe(false)
      })
    )
  })
})
