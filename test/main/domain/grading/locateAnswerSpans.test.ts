import { describe, expect, it } from 'vitest'
import { lastBoxedContent, locateAnswerSpans } from '../../../../src/main/domain/grading/locateAnswerSpans'

describe('locateAnswerSpans', () => {
  it('finds every Final Answer and boxed span in order of position', () => {
    const spans = locateAnswerSpans('x \\boxed{1}\nFinal Answer: 2\n**Final Answer: Final Answer: 3**')
    expect(spans.map((s) => [s.kind, s.text])).toEqual([
      ['boxed', '1'],
      ['finalAnswer', '2'],
      ['finalAnswer', 'Final Answer: 3'],
      ['finalAnswer', '3']
    ])
  })

  it('reads the value from the next line when the marker ends its line', () => {
    expect(locateAnswerSpans('Final Answer:\n\n  **42**\nmore')[0]!.text).toBe('42')
  })

  it('matches braces, skips escaped braces, and drops an unclosed box', () => {
    expect(lastBoxedContent('\\boxed{\\frac{1}{2}} and \\boxed{\\{1,2\\}}')).toBe('\\{1,2\\}')
    expect(lastBoxedContent('\\boxed{3} then \\boxed{\\frac{1}{2')).toBe('3')
    expect(lastBoxedContent('no box')).toBeNull()
  })

  it('reads the spaced form \\boxed 5 up to a dollar sign and \\fbox', () => {
    expect(lastBoxedContent('so $\\boxed 5$.')).toBe('5')
    expect(lastBoxedContent('\\fbox{x+1}')).toBe('x+1')
    expect(lastBoxedContent('\\boxeds{3}')).toBeNull()
  })
})
