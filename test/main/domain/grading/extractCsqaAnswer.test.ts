import { describe, expect, it } from 'vitest'
import { extractCsqaAnswer } from '../../../../src/main/domain/grading/extractCsqaAnswer'

const choices = ['manual', 'street', 'restaurant', 'ground', 'service station']

describe('extractCsqaAnswer', () => {
  it.each([
    ['Final Answer: D', 'D'],
    ['Final Answer: (D)', 'D'],
    ['Final Answer: D:', 'D'],
    ['Final Answer: D: ground', 'D'],
    ['Final Answer: D) ground', 'D'],
    ['Final Answer: D. ground', 'D'],
    ['Final Answer: D ground', 'D'],
    ['Final Answer: E (service station)', 'E'],
    ['**Final Answer: E**', 'E'],
    ['**Final Answer:** **B**', 'B'],
    ['Final Answer: d', 'D'],
    ['Final Answer: [C]', 'C'],
    // The text of a choice maps to its letter; "A" before a choice's text is the article.
    ['Final Answer: ground', 'D'],
    ['Final Answer: Service station.', 'E'],
    ['Final Answer: A service station', 'E'],
    ['Final Answer: A manual', 'A'],
    ['Final Answer: A', 'A'],
    ['Final Answer: The answer is C', 'C'],
    ['Final Answer: the pumps take oil out of the ground', 'D'],
    // The last span wins (the paper's CSQA sample: the refiner overrides the generator's E).
    ['Reasoning steps: ... \n**Final Answer: E**\n\nThe correct answer is D: ground.\n\nFinal Answer: D', 'D'],
    // Debate format and other fallbacks.
    ['Between (A) and (E), I pick (E).', 'E'],
    ['So the answer is B.', 'B'],
    ['Definitely a tough one, no idea.', null],
    ['', null]
  ])('%j → %s', (output, expected) => {
    expect(extractCsqaAnswer(output, choices)).toBe(expected)
  })

  it('reads letters without the choices, and then cannot map text', () => {
    expect(extractCsqaAnswer('Final Answer: (B) street')).toBe('B')
    expect(extractCsqaAnswer('Final Answer: ground')).toBeNull()
  })

  it('prefers the earliest mentioned choice, the longest on a tie', () => {
    const overlapping = ['station', 'oil', 'desert', 'ground', 'service station']
    expect(extractCsqaAnswer('Final Answer: service station', overlapping)).toBe('E')
    expect(extractCsqaAnswer('Final Answer: ground, not the desert', overlapping)).toBe('D')
  })
})
