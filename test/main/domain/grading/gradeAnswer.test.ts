import { benchmarks, isBenchmark } from '@shared/benchmarks'
import { describe, expect, it } from 'vitest'
import { answerKey } from '../../../../src/main/domain/grading/answerKey'
import { extractAnswer, gradeAnswer, gradeOutput } from '../../../../src/main/domain/grading/gradeAnswer'
import { isCorrectAnswer } from '../../../../src/main/domain/grading/isCorrectAnswer'

describe('gradeAnswer', () => {
  it('grades gsm8k against a #### answer field or a bare number', () => {
    expect(gradeAnswer('gsm8k', '**Final Answer: Final Answer: 125**', 'so 125 - 100 = 25\n#### 25')).toEqual({ extracted: '125', correct: false })
    expect(gradeAnswer('gsm8k', 'Final Answer: 25 cards.', '#### 25')).toEqual({ extracted: '25', correct: true })
    expect(gradeAnswer('gsm8k', 'Final Answer: $1,200.50', '1200.5')).toEqual({ extracted: '1200.5', correct: true })
    expect(gradeAnswer('gsm8k', 'Final Answer: .50', '#### 0.5').correct).toBe(true)
    expect(gradeAnswer('gsm8k', 'Final Answer: -3', '#### 3').correct).toBe(false)
    expect(gradeAnswer('gsm8k', 'I do not know', '#### 3')).toEqual({ extracted: null, correct: false })
  })

  it('grades math with the equivalence rules, against an answer or a whole solution', () => {
    expect(gradeAnswer('math', 'Final Answer: $\\boxed{\\dfrac{1}{2}}$', '0.5')).toEqual({ extracted: '\\dfrac{1}{2}', correct: true })
    expect(gradeAnswer('math', 'so \\boxed{\\sqrt{8}}', 'The answer is $\\boxed{2\\sqrt{2}}$.').correct).toBe(true)
    expect(gradeAnswer('math', 'so \\boxed{3}', '\\frac{14}{3}').correct).toBe(false)
  })

  it('grades csqa by letter, mapping written-out choices', () => {
    const choices = ['bank', 'library', 'department store', 'mall', 'new york']
    expect(gradeAnswer('csqa', 'Final Answer: A', 'A', choices)).toEqual({ extracted: 'A', correct: true })
    expect(gradeAnswer('csqa', 'Final Answer: bank', 'a', choices)).toEqual({ extracted: 'A', correct: true })
    expect(gradeAnswer('csqa', 'Final Answer: (D)', 'A', choices)).toEqual({ extracted: 'D', correct: false })
  })

  it('reads the debate formats of every benchmark', () => {
    expect(extractAnswer('gsm8k', 'The answer is \\boxed{42}.')).toBe('42')
    expect(extractAnswer('math', 'So we get \\boxed{\\frac{\\pi}{2}}.')).toBe('\\frac{\\pi}{2}')
    expect(extractAnswer('csqa', 'Overall the best fit is (C).')).toBe('C')
  })
})

describe('isCorrectAnswer', () => {
  it('never counts a null answer', () => {
    for (const benchmark of benchmarks) expect(isCorrectAnswer(benchmark, null, 'A')).toBe(false)
  })

  it('is false when the gold cannot be read', () => {
    expect(isCorrectAnswer('gsm8k', '5', '#### five')).toBe(false)
    expect(isCorrectAnswer('csqa', 'A', 'apple')).toBe(false)
  })
})

describe('answerKey', () => {
  it.each([
    ['gsm8k', '1,200.50', '1200.5'],
    ['gsm8k', '$18', '18'],
    ['gsm8k', 'not a number', 'not a number'],
    ['math', '\\dfrac12', '0.5'],
    ['math', '\\left( 1, 2 \\right)', '(1,2)'],
    ['csqa', ' d ', 'D']
  ] as const)('%s: %j → %j', (benchmark, extracted, key) => {
    expect(answerKey(benchmark, extracted)).toBe(key)
  })
})

describe('benchmarks', () => {
  it('lists the three benchmarks and recognises only them', () => {
    expect(benchmarks).toEqual(['gsm8k', 'math', 'csqa'])
    expect(isBenchmark('math')).toBe(true)
    expect(isBenchmark('gsm-symbolic')).toBe(false)
  })
})

describe('gradeOutput', () => {
  it('says what was taken from where, and why the verdict', () => {
    const output = 'Step 1: 6 × 7 = 42.\n**Final Answer: $42$**'
    const graded = gradeOutput('math', output, '42')
    expect(graded).toMatchObject({ extracted: '42', correct: true, extraction: { answer: '42', source: 'finalAnswer' }, reason: 'the same once normalized' })
    expect(output.slice(graded.extraction!.start, graded.extraction!.end)).toBe('42')
    expect(gradeOutput('gsm8k', 'Final Answer: 41', '#### 42').reason).toBe('41 is not 42')
    expect(gradeOutput('csqa', 'Final Answer: B', 'A', { choices: ['a', 'b', 'c', 'd', 'e'] })).toMatchObject({ correct: false, reason: 'B is not A' })
    expect(gradeOutput('math', 'I give up.', '3')).toEqual({ extracted: null, correct: false, extraction: null, reason: 'no answer found in the output' })
    expect(gradeOutput('math', 'Final Answer: x^2+}{', '3')).toMatchObject({ correct: false, reason: 'could not parse "x^2+}{"' })
  })

  it('with statedOnly, counts only an answer stated in the answer format (a verifier’s turn, issue #11)', () => {
    const critique = '…the calculations are correct… I checked 2 steps.'
    expect(gradeOutput('gsm8k', critique, '#### 2').correct).toBe(true)
    expect(gradeOutput('gsm8k', critique, '#### 2', { statedOnly: true })).toMatchObject({ extracted: null, correct: false })
    expect(gradeOutput('gsm8k', critique, '#### 2', { statedOnly: true }).reason).toMatch(/^no answer stated in the answer format/)
    expect(gradeOutput('math', 'The initial answer is correct.', 'correct', { statedOnly: true }).extracted).toBeNull()
    expect(gradeOutput('math', 'The initial answer is correct.', 'correct').extracted).toBeNull()
    expect(gradeOutput('gsm8k', 'The generator is right.\nFinal Answer: 7', '#### 7', { statedOnly: true })).toMatchObject({ extracted: '7', correct: true })
    expect(gradeOutput('csqa', 'I think (B) is wrong.', 'B', { statedOnly: true, choices: ['a', 'b', 'c', 'd', 'e'] }).extracted).toBeNull()
  })

  it('never takes a step label for the answer (issue #11)', () => {
    expect(gradeOutput('gsm8k', 'Step 1: add.\nStep 4: done', '#### 4').extracted).toBeNull()
    expect(gradeOutput('gsm8k', 'Final Answer: 12\nStep 4: check.', '#### 12').extracted).toBe('12')
    expect(gradeOutput('math', 'Step 4:', '4').extracted).toBeNull()
  })
})
