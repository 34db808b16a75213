import { describe, expect, it } from 'vitest'
import { extractGsm8kAnswer } from '../../../../src/main/domain/grading/extractGsm8kAnswer'

describe('extractGsm8kAnswer', () => {
  it.each([
    // The paper's own outputs (App. A.4).
    ['**Final Answer: Final Answer: 125**', '125'],
    ['Step 5: State our conclusion\n\n* Marco got 25 new cards.\n\n**Final Answer: 25**', '25'],
    ['Final Answer: 25 cards.', '25'],
    ['Final Answer: 3', '3'],
    // Money, separators, decimals, signs.
    ['Final Answer: $1,200.50', '1200.5'],
    ['Final Answer: $18.00 per day', '18'],
    ['Final Answer: 1,000,000', '1000000'],
    ['Final Answer: -3', '-3'],
    ['Final Answer: -$5', '-5'],
    ['Final Answer: a loss of $-2.50', '-2.5'],
    ['Final Answer: −12', '-12'],
    ['Final Answer: 0.50', '0.5'],
    ['Final Answer: .5', '0.5'],
    ['Final Answer: 12%', '12'],
    ['Final Answer: 3/4', '0.75'],
    ['Final Answer: \\frac{3}{4}', '0.75'],
    ['Final Answer: 2/3', '2/3'],
    // Layout variants.
    ['final answer: 7', '7'],
    ['The final answer is 64.', '64'],
    ['**Final Answer:** 9', '9'],
    ['Final Answer:\n\n**42**', '42'],
    ['Final Answer: 100 - 75 = 25', '25'],
    ['Final Answer: x = 5', '5'],
    ['Final Answer: 1, 2, 3', '1'],
    // The last span wins; a span without a number is passed over.
    ['Final Answer: 24\nWait, recheck.\nFinal Answer: 26', '26'],
    ['Final Answer: 24. Actually it is \\boxed{26}', '26'],
    ['Final Answer: unknown\n\nso it is 7 apples', '7'],
    // Debate outputs.
    ['The total is \\boxed{18}.', '18'],
    ['so $\\boxed{1,234}$', '1234'],
    // Fallback: the last number in the text.
    ['She has 5 - 3 = 2 apples left', '2'],
    ['He pays $30 and gets 15 back, so 15', '15'],
    ['x2 is a name, 4 is a number', '4'],
    ['no numbers at all', null],
    ['', null]
  ])('%j → %s', (output, expected) => {
    expect(extractGsm8kAnswer(output)).toBe(expected)
  })

  it('does not read a minus from a subtraction as a sign', () => {
    expect(extractGsm8kAnswer('Final Answer: 10-3')).toBe('10')
    expect(extractGsm8kAnswer('we get 10-3')).toBe('3')
  })
})
