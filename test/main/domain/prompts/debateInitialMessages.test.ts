import { describe, expect, it } from 'vitest'
import { extractAnswer } from '../../../../src/main/domain/grading/gradeAnswer'
import { debateInitialMessages } from '../../../../src/main/domain/prompts/debateInitialMessages'

describe('debateInitialMessages', () => {
  it('uses the GSM string of Du et al. verbatim, trailing space included', () => {
    expect(debateInitialMessages('gsm8k', 'What is 2+3?')).toEqual([
      {
        role: 'user',
        content:
          'Can you solve the following math problem? What is 2+3? Explain your reasoning. Your final answer should be a single numerical number, in the form \\boxed{answer}, at the end of your response. '
      }
    ])
  })

  it('asks MATH for a boxed answer without requiring a single number', () => {
    expect(debateInitialMessages('math', 'Solve x^2=4.')[0]!.content).toBe(
      'Can you solve the following math problem? Solve x^2=4. Explain your reasoning. Your final answer should be in the form \\boxed{answer}, at the end of your response. '
    )
  })

  it('adapts the MMLU string to CSQA with five options', () => {
    expect(debateInitialMessages('csqa', 'Where is oil?', ['manual', 'street', 'restaurant', 'ground', 'service station'])[0]!.content).toBe(
      'Can you answer the following question as accurately as possible? Where is oil?: A) manual, B) street, C) restaurant, D) ground, E) service station Explain your answer, putting the answer in the form (X) at the end of your response.'
    )
  })

  it('needs the choices for CSQA', () => {
    expect(() => debateInitialMessages('csqa', 'Where?')).toThrow("a csqa debate prompt needs the question's choices")
  })

  it('asks for formats the graders read', () => {
    expect(extractAnswer('gsm8k', 'Adding gives 5. \\boxed{5}')).toBe('5')
    expect(extractAnswer('csqa', 'Oil is pumped from the ground. (D)', ['manual', 'street', 'restaurant', 'ground', 'service station'])).toBe('D')
  })
})
