import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { numberToWords, parseCardinal, parseNumberText } from '../../../../src/main/domain/symbolic/numberWords'
import { pyRepr } from '../../../../src/main/domain/symbolic/PyValue'

describe('numberWords', () => {
  it('writes and reads cardinals back (0 to 999,999)', () => {
    expect(numberToWords(42n)).toBe('forty-two')
    expect(numberToWords(120n)).toBe('one hundred twenty')
    expect(numberToWords(7005n)).toBe('seven thousand five')
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 999_999n }), (n) => {
        expect(parseCardinal(numberToWords(n))).toBe(n)
      })
    )
  })

  it.each([
    ['10', '10'],
    ['1,200', '1200'],
    ['1.50', '1.5'],
    ['.40', '0.4'],
    ['1/16', 'Fraction(1, 16)'],
    ['forty-two', '42'],
    ['Twenty', '20'],
    ['twice', '2'],
    ['thrice', '3'],
    ['triple', '3'],
    ['three times', '3'],
    ['half', 'Fraction(1, 2)'],
    ['a third', 'Fraction(1, 3)'],
    ['one-fifth', 'Fraction(1, 5)'],
    ['three quarters', 'Fraction(3, 4)'],
    ['two-thirds', 'Fraction(2, 3)']
  ])('reads the template default %j as %s', (text, expected) => {
    expect(pyRepr(parseNumberText(text)!)).toBe(expected)
  })

  it.each(['shark', 'a', '', 'six-sided'])('finds no number in %j', (text) => {
    expect(parseNumberText(text)).toBeNull()
  })
})
