import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { meanAndStd } from '../../../../src/main/domain/eval/meanAndStd'

describe('meanAndStd', () => {
  it('reproduces the paper’s "± std" over 4 seeds as a population std', () => {
    // MALT on MATH, 57.25 ± 1.48 (Table 1): the sample std of these would be 1.71.
    const malt = meanAndStd([55, 57, 58, 59])
    expect(malt.mean).toBe(57.25)
    expect(malt.std!.toFixed(2)).toBe('1.48')
    // SA on GSM8K, 84.25 ± 2.28.
    expect(meanAndStd([82, 83, 84, 88]).std!.toFixed(2)).toBe('2.28')
    expect(meanAndStd([82, 83, 84, 88]).n).toBe(4)
  })

  it('is 0 for one seed and null for none', () => {
    expect(meanAndStd([71.5])).toEqual({ mean: 71.5, std: 0, n: 1 })
    expect(meanAndStd([])).toEqual({ mean: null, std: null, n: 0 })
  })

  it('is shift-invariant and never negative', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: -50, max: 50 }), (values, shift) => {
        const a = meanAndStd(values)
        const b = meanAndStd(values.map((v) => v + shift))
        expect(a.std!).toBeGreaterThanOrEqual(0)
        expect(b.std!).toBeCloseTo(a.std!, 9)
        expect(b.mean!).toBeCloseTo(a.mean! + shift, 9)
      })
    )
  })
})
