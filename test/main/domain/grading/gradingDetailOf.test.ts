import { describe, expect, it } from 'vitest'
import { gradingDetailOf } from '../../../../src/main/domain/grading/gradingDetailOf'

describe('gradingDetailOf', () => {
  it('gives where the answer was read and why the verdict', () => {
    const text = 'Step 1: 12 + 30 = 42\nFinal Answer: 42 apples'
    const detail = gradingDetailOf('gsm8k', text, '#### 42')
    expect(detail).toEqual({ extraction: { source: 'finalAnswer', start: text.indexOf('42 apples'), end: text.indexOf('42 apples') + 2 }, gradeReason: 'equal as numbers' })
  })

  it('without a gold answer gives the extraction only', () => {
    expect(gradingDetailOf('math', 'so $\\boxed{7}$', null)).toEqual({ extraction: { source: 'boxed', start: 11, end: 12 }, gradeReason: null })
  })

  it('for a verifier keeps only a stated answer', () => {
    expect(gradingDetailOf('gsm8k', 'I checked 2 steps.', null, { statedOnly: true })).toEqual({ extraction: null, gradeReason: null })
    expect(gradingDetailOf('gsm8k', 'I checked 2 steps.', '2', { statedOnly: true }).extraction).toBeNull()
  })
})
