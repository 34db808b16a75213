import { describe, expect, it } from 'vitest'
import { normalizeMathAnswer, prepareMathAnswer } from '../../../../src/main/domain/grading/normalizeMathAnswer'

describe('normalizeMathAnswer', () => {
  it.each([
    ['\\dfrac{1}{2}', '0.5'],
    ['\\tfrac12', '0.5'],
    ['1/2', '0.5'],
    ['.5', '0.5'],
    ['\\frac 59', '5/9'],
    ['\\frac9{19}', '9/19'],
    ['\\frac{270}7\\text{ degrees}', '270/7'],
    ['\\frac{\\pi}{2} \\text{ radians}', '\\frac{\\pi}{2}'],
    ['\\frac\\pi2', '\\frac{\\pi}{2}'],
    ['\\sqrt3', '\\sqrt{3}'],
    ['11\\sqrt2', '11\\sqrt{2}'],
    ['\\left( 3, \\frac{\\pi}{2} \\right)', '(3,\\frac{\\pi}{2})'],
    ['90^\\circ', '90'],
    ['90^{\\circ}', '90'],
    ['\\$18.90', '18.9'],
    ['$\\$36$', '36'],
    ['10\\%', '10'],
    ['10\\text{ units}', '10'],
    ['864 \\mbox{ inches}^2', '864'],
    ['15\\mbox{ cm}^2', '15'],
    ['5.4 \\text{ cents}', '5.4'],
    ['12 apples', '12'],
    ['2\\mathrm{i}', '2i'],
    ['\\text{Evelyn}', 'evelyn'],
    ['\\text{(C)}', 'C'],
    ['(C)', 'C'],
    ['x = 5', '5'],
    ['k=3', '3'],
    ['y = 2x + 3', '2x+3'],
    ['x \\in [-2,7]', '[-2,7]'],
    ['x\\in(0,1)', '(0,1)'],
    ['x \\infty', 'x\\infty'],
    ['x \\le 5', 'x\\le5'],
    ['10,\\!080', '10080'],
    ['4210_{5}', '4210_5'],
    ['\\boxed{5}', '5'],
    ['$\\frac{1}{4}$.', '0.25'],
    ['\\\\dfrac{1}{2}', '0.5'],
    ['\\!\\frac{1}{2}', '0.5'],
    ['  ', '']
  ])('%j → %j', (answer, expected) => {
    expect(normalizeMathAnswer(answer)).toBe(expected)
  })

  it('keeps spaces for the parser in prepareMathAnswer', () => {
    expect(prepareMathAnswer('\\cot x')).toBe('\\cot x')
    expect(normalizeMathAnswer('\\cot x')).toBe('\\cotx')
  })

  it('keeps matrix row breaks', () => {
    expect(prepareMathAnswer('\\begin{pmatrix} -1/3 \\\\ 2/3 \\end{pmatrix}')).toBe('\\begin{pmatrix} -1/3 \\\\ 2/3 \\end{pmatrix}')
  })
})
