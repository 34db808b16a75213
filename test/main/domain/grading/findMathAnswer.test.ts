import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { findMathAnswer } from '../../../../src/main/domain/grading/findMathAnswer'

describe('findMathAnswer', () => {
  it.each([
    // 1. The last answer stated in an answer format: a box (braces matched), a Final Answer line, Minerva's sentence.
    ['so \\boxed{\\frac{1}{2}} and then \\boxed{\\{1,2\\}}.', '\\{1,2\\}', 'boxed'],
    ['Final Answer: $\\boxed{x^2}$', 'x^2', 'boxed'],
    ['so \\boxed{5} ... wait.\nFinal Answer: 6', '6', 'finalAnswer'],
    ['Final Answer: 6 is wrong, it is \\boxed{7}', '7', 'boxed'],
    ['\\boxed{}\nFinal Answer: 6', '6', 'finalAnswer'],
    ['Final Answer: The largest $n$ is 34.', '34', 'finalAnswer'],
    ['Final Answer: The volume of $ABCDEFGH$ is 120. I hope it is correct.', '120', 'finalAnswer'],
    ['Final Answer: 5\n\nFinal Answer:', '5', 'finalAnswer'],
    ['Final Answer: $x \\geq 5$.', 'x \\geq 5', 'finalAnswer'],
    ['**Final Answer:** The answer is 12.', '12', 'finalAnswer'],
    ['Final Answer: The total number of apples is 12.', '12', 'finalAnswer'],
    ['Final Answer: 12 apples.', '12 apples', 'finalAnswer'],
    ['Final Answer: \\text{Evelyn}', '\\text{Evelyn}', 'finalAnswer'],
    ['the total is $54(\\$0.15)=$\n\nFinal Answer: $\\$18.90$', '\\$18.90', 'finalAnswer'],
    // Minerva's sentence.
    ['The final answer is $\\frac12$. I hope it is correct.', '\\frac12', 'finalAnswerIs'],
    ['The final answer is 7. I hope it is correct.', '7', 'finalAnswerIs'],
    // 3. The last math in the text, or a number after it.
    ['$9$', '9', 'math'],
    ['\\[ 9 \\]', '9', 'math'],
    ['Answer \\( 9 \\)', '9', 'math'],
    ['We get $x=2$ and so $$y = 3$$ holds.', 'y = 3', 'math'],
    ['Therefore, the answer is $7$.', '7', 'math'],
    // 2. A bare answer; 3. else the last number.
    ['-5', '-5', 'lastValue'],
    ['1,000.99', '1,000.99', 'lastValue'],
    ['7,425,000', '7,425,000', 'lastValue'],
    ['x = 5+5+1 = 7 = 11', 'x = 5+5+1 = 7 = 11', 'lastValue'],
    ['x \\geq 5', 'x \\geq 5', 'lastValue'],
    ['the answer is 7.', '7', 'lastValue'],
    ['Step 3: add them.\nWe have 12 left.', '12', 'lastValue'],
    ['Since $x > 0$, the error increases by 100%.', '100%', 'lastValue'],
    ['Soucis : 2,74 $ a..', '2,74', 'lastValue']
  ])('%j → %j from %s', (output, answer, source) => {
    const found = findMathAnswer(output)
    expect(found).toMatchObject({ answer, source })
    expect(output.slice(found!.start, found!.end)).toBe(answer)
  })

  it.each([
    // Step labels and verdicts are never answers (issue #11).
    'Final Answer: Step 4',
    'Step 4:',
    'The initial answer is correct.',
    'Final Answer: The answer is correct.',
    'Final Answer: correct',
    'I cannot solve this.',
    // A box cut off by the token limit.
    '\\boxed{1',
    'so $\\boxed{\\frac{1}{2$',
    ''
  ])('%j → no answer', (output) => {
    expect(findMathAnswer(output)).toBeNull()
  })

  it('property: an answer written in any supported format is found verbatim, from that source', () => {
    const answers = fc.constantFrom('5', '-\\frac{3}{4}', 'x \\geq 5', '(1, 2]', '\\begin{pmatrix}1\\\\2\\end{pmatrix}', '2\\sqrt{2}', '\\{1,2\\}', '\\text{Evelyn}', '1,000.99')
    const reasoning = fc.constantFrom('', 'Step 1: compute 3 + 4 = 7.\nStep 2: check it.\n', 'We have $a = 2$ and $b = 3$.\n')
    const formats: readonly [(a: string) => string, string][] = [
      [(a) => `so the result is $\\boxed{${a}}$.`, 'boxed'],
      [(a) => `**Final Answer: $${a}$**`, 'finalAnswer'],
      [(a) => `Final Answer: ${a}`, 'finalAnswer'],
      [(a) => `The final answer is $${a}$. I hope it is correct.`, 'finalAnswerIs'],
      [(a) => `Hence \\[ ${a} \\]`, 'math']
    ]
    fc.assert(
      fc.property(answers, reasoning, fc.constantFrom(...formats), (answer, before, [format, source]) => {
        const output = before + format(answer)
        const found = findMathAnswer(output)
        expect(found).toMatchObject({ answer, source })
        expect(output.slice(found!.start, found!.end)).toBe(answer)
      })
    )
  })
})
