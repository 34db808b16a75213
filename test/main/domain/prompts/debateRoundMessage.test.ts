import { describe, expect, it } from 'vitest'
import { debateRoundMessage } from '../../../../src/main/domain/prompts/debateRoundMessage'

const choices = ['a', 'b', 'c', 'd', 'e']

describe('debateRoundMessage', () => {
  it('quotes the other agents and repeats the GSM question, as in gsm/gen_gsm.py', () => {
    expect(debateRoundMessage('gsm8k', 'What is 2+3?', ['It is \\boxed{5}.', 'I get \\boxed{6}.'])).toEqual({
      role: 'user',
      content:
        'These are the solutions to the problem from other agents: \n\n One agent solution: ```It is \\boxed{5}.```\n\n One agent solution: ```I get \\boxed{6}.```' +
        '\n\n Using the solutions from other agents as additional information, can you provide your answer to the math problem? \n The original math problem is What is 2+3?. Your final answer should be a single numerical number, in the form \\boxed{answer}, at the end of your response.'
    })
  })

  it('uses the MMLU round string for CSQA, which does not repeat the question', () => {
    expect(debateRoundMessage('csqa', 'Where?', ['(D)'], choices).content).toBe(
      'These are the solutions to the problem from other agents: \n\n One agent solution: ```(D)```' +
        '\n\n Using the reasoning from other agents as additional advice, can you give an updated answer? Examine your solution and that other agents step by step. Put your answer in the form (X) at the end of your response.'
    )
  })

  it('asks a lone agent to double-check (the reference self-reflection prompts)', () => {
    expect(debateRoundMessage('gsm8k', 'Q', []).content).toBe(
      'Can you double check that your answer is correct. Please reiterate your answer, with your final answer a single numerical number, in the form \\boxed{answer}.'
    )
    expect(debateRoundMessage('math', 'Q', []).content).toBe(
      'Can you double check that your answer is correct. Please reiterate your answer, with your final answer in the form \\boxed{answer}.'
    )
    expect(debateRoundMessage('csqa', 'Q', [], choices).content).toBe(
      'Can you double check that your answer is correct. Put your final answer in the form (X) at the end of your response.'
    )
  })

  it('needs the choices for CSQA', () => {
    expect(() => debateRoundMessage('csqa', 'Q', ['(A)'])).toThrow('choices')
  })
})
