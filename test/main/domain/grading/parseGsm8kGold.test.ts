import { describe, expect, it } from 'vitest'
import { parseGsm8kGold } from '../../../../src/main/domain/grading/parseGsm8kGold'

describe('parseGsm8kGold', () => {
  it.each([
    ['Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 duck eggs a day.\nShe makes 9 * 2 = $<<9*2=18>>18.\n#### 18', '18'],
    ['#### 1,200', '1200'],
    ['#### -5', '-5'],
    ['#### 0.5', '0.5'],
    ['a #### 3 b\n#### 4', '4'],
    ['18', '18'],
    [' $5.50 ', '5.5'],
    ['1,000', '1000'],
    ['-2.25', '-2.25'],
    ['#### ', null],
    ['twelve', null],
    ['', null]
  ])('%j → %s', (field, expected) => {
    expect(parseGsm8kGold(field)).toBe(expected)
  })
})
