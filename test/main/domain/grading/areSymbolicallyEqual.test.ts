import { describe, expect, it } from 'vitest'
import { areEquationsEquivalent, areSymbolicallyEqual } from '../../../../src/main/domain/grading/areSymbolicallyEqual'

describe('areSymbolicallyEqual', () => {
  it.each([
    ['\\sqrt{8}', '2\\sqrt{2}', true],
    ['e^{i\\pi}', '-1', true],
    ['\\sin^2 x + \\cos^2 x', '1', true],
    ['\\frac{1}{x-1}', '\\frac{-1}{1-x}', true],
    ['x^2', 'x^3', false],
    ['a+b', 'b+a', true],
    ['\\sqrt{-4}', '2i', true],
    ['\\log_2 8', '3', true],
    ['\\binom{5}{2}', '10', true],
    ['9!', '362880', true]
  ])('%j = %j is %s', (a, b, expected) => {
    expect(areSymbolicallyEqual(a, b)).toBe(expected)
  })

  it('refuses what could be slow instead of evaluating it', () => {
    expect(areSymbolicallyEqual('2^{100000000}', '2^{100000000}')).toBe(false)
    expect(areSymbolicallyEqual('1000!', '1000!')).toBe(false)
    expect(areSymbolicallyEqual('\\int_0^1 x dx', '\\frac12')).toBe(false)
    expect(areSymbolicallyEqual('x'.repeat(400), 'x'.repeat(400))).toBe(false)
  })

  it('is false for what does not parse', () => {
    expect(areSymbolicallyEqual('}{', '}{')).toBe(false)
    expect(areSymbolicallyEqual('', '')).toBe(false)
  })
})

describe('areEquationsEquivalent', () => {
  it('accepts a constant multiple and rejects a different relation', () => {
    expect(areEquationsEquivalent({ lhs: '2x - y + 3z + 8', rhs: '0' }, { lhs: '-4x + 2y - 6z', rhs: '16' })).toBe(true)
    expect(areEquationsEquivalent({ lhs: 'y', rhs: '2x+3' }, { lhs: 'y - 3', rhs: '2x' })).toBe(true)
    expect(areEquationsEquivalent({ lhs: 'y', rhs: '2x+3' }, { lhs: 'y', rhs: '2x-3' })).toBe(false)
  })
})
