import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  exactNumbersEqual,
  formatExactNumber,
  makeExactNumber,
  parseExactNumber
} from '../../../../src/main/domain/grading/ExactNumber'

describe('parseExactNumber / formatExactNumber', () => {
  it.each([
    ['18', '18'],
    ['-3', '-3'],
    ['+7', '7'],
    ['−7', '-7'],
    ['0.5', '0.5'],
    ['.5', '0.5'],
    ['0.50', '0.5'],
    ['-0.25', '-0.25'],
    ['1,200', '1200'],
    ['1,200.50', '1200.5'],
    ['1,234,567', '1234567'],
    ['3/4', '0.75'],
    ['2/3', '2/3'],
    ['-4/6', '-2/3'],
    ['10/5', '2'],
    ['\\frac{1}{2}', '0.5'],
    ['\\dfrac{3}{4}', '0.75'],
    ['-\\tfrac{1}{3}', '-1/3'],
    ['\\frac{1.5}{2}', '0.75'],
    ['007', '7'],
    ['0', '0'],
    ['-0', '0'],
    ['5.', null],
    ['1,20', null],
    ['12,3456', null],
    ['1/0', null],
    ['abc', null],
    ['', null],
    ['1e5', null],
    ['2 1/2', null]
  ])('%s → %s', (text, expected) => {
    const n = parseExactNumber(text)
    expect(n === null ? null : formatExactNumber(n)).toBe(expected)
  })

  it('compares exactly: 0.333 is not 1/3, 0.5 is .50', () => {
    expect(exactNumbersEqual(parseExactNumber('0.333')!, parseExactNumber('1/3')!)).toBe(false)
    expect(exactNumbersEqual(parseExactNumber('0.5')!, parseExactNumber('.50')!)).toBe(true)
  })

  it('formats any fraction so that it parses back to the same number', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.bigInt({ min: 1n, max: 10n ** 6n }), (num, den) => {
        const n = makeExactNumber(num, den)
        const back = parseExactNumber(formatExactNumber(n))
        expect(back).not.toBeNull()
        expect(exactNumbersEqual(back!, n)).toBe(true)
      })
    )
  })
})
