import { describe, expect, it } from 'vitest'
import { extractMathAnswer } from '../../../../src/main/domain/grading/extractMathAnswer'

describe('extractMathAnswer', () => {
  it.each([
    ['Final Answer: $\\boxed{\\frac{1}{2}}$', '\\frac{1}{2}'],
    ['The area is $\\boxed{\\left( 3, \\frac{\\pi}{2} \\right)}$.', '\\left( 3, \\frac{\\pi}{2} \\right)'],
    ['first \\boxed{1}, then \\boxed{\\sqrt{2}}', '\\sqrt{2}'],
    ['\\fbox{x^2}', 'x^2'],
    ['so $\\boxed 5$', '5'],
    ['\\boxed{\\text{(C)}}', '\\text{(C)}'],
    ['\\boxed{\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}}', '\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}'],
    // Whichever comes last of a box and a Final Answer line.
    ['so \\boxed{5} ... wait.\nFinal Answer: 6', '6'],
    ['Final Answer: 6 is wrong, it is \\boxed{7}', '7'],
    ['Final Answer: $x = 3$.', 'x = 3'],
    ['**Final Answer: $\\frac{3}{4}$**', '\\frac{3}{4}'],
    ['Final Answer: \\(\\sqrt{2}\\)', '\\sqrt{2}'],
    ['Final Answer: 12 apples.', '12 apples'],
    // Minerva's format and "answer is".
    ['Final Answer: The final answer is $\\frac{1}{2}$. I hope it is correct.', '\\frac{1}{2}'],
    ['Therefore, the answer is $7$.', '7'],
    ['the answer is 7.', '7'],
    // No answer.
    ['\\boxed{1', null],
    ['I cannot solve this.', null],
    ['', null]
  ])('%j → %s', (output, expected) => {
    expect(extractMathAnswer(output)).toBe(expected)
  })
})
