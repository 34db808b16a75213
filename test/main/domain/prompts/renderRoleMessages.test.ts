import { describe, expect, it } from 'vitest'
import { AppError } from '../../../../src/shared/errors'
import type { PromptTemplate } from '../../../../src/main/domain/prompts/PromptTemplate'
import { defaultPromptTemplate } from '../../../../src/main/domain/prompts/defaultPromptTemplates'
import { defaultEmptyVerificationText, renderRoleMessages } from '../../../../src/main/domain/prompts/renderRoleMessages'

const refiner: PromptTemplate = {
  benchmark: 'gsm8k',
  role: 'refiner',
  system: 'Refine.',
  user: 'Question: {{question}}\nInitial Answer: {{ generation }}\nFeedback: {{verification}}'
}

describe('renderRoleMessages', () => {
  it('fills every placeholder and returns the system and user messages', () => {
    expect(renderRoleMessages(refiner, { question: 'Q?', generation: 'G.', verification: 'V.' })).toEqual([
      { role: 'system', content: 'Refine.' },
      { role: 'user', content: 'Question: Q?\nInitial Answer: G.\nFeedback: V.' }
    ])
  })

  it('substitutes in a single pass: placeholder text inside a variable stays as written', () => {
    const [, user] = renderRoleMessages(refiner, { question: 'What is {{generation}}?', generation: '{{verification}}', verification: 'ok' })
    expect(user!.content).toBe('Question: What is {{generation}}?\nInitial Answer: {{verification}}\nFeedback: ok')
  })

  it('keeps $ patterns in variables literal', () => {
    const [, user] = renderRoleMessages(refiner, { question: "It costs $& and $1 and $'", generation: 'g', verification: 'v' })
    expect(user!.content).toContain("It costs $& and $1 and $'")
  })

  it('names a missing variable in an invalid_input error', () => {
    const call = () => renderRoleMessages(refiner, { question: 'Q', generation: 'G' })
    expect(call).toThrow(AppError)
    expect(call).toThrow("prompt variable 'verification' is missing: the gsm8k refiner template uses {{verification}}")
    try {
      call()
    } catch (error) {
      expect((error as AppError).code).toBe('invalid_input')
      expect((error as AppError).location).toEqual({ field: 'verification' })
    }
  })

  it('rejects an unknown placeholder', () => {
    expect(() => renderRoleMessages({ ...refiner, user: '{{questoin}}' }, { question: 'Q' })).toThrow('unknown placeholder {{questoin}}')
  })

  it('renders an empty verification (the G+R ablation) as a plain statement that there is none', () => {
    const [, user] = renderRoleMessages(refiner, { question: 'Q', generation: 'G', verification: '  ' })
    expect(user!.content).toBe(`Question: Q\nInitial Answer: G\nFeedback: ${defaultEmptyVerificationText}`)
    const [, custom] = renderRoleMessages(refiner, { question: 'Q', generation: 'G', verification: '' }, { emptyVerificationText: '(none)' })
    expect(custom!.content.endsWith('Feedback: (none)')).toBe(true)
  })

  it('renders CSQA choices as "A: text" lines', () => {
    const messages = renderRoleMessages(defaultPromptTemplate('csqa', 'generator'), {
      question: 'He looked at the field of pumps, all slowly churning oil out of the what?',
      choices: ['manual', 'street', 'restaurant', 'ground', 'service station']
    })
    expect(messages[1]!.content).toContain('Choices:\nA: manual\nB: street\nC: restaurant\nD: ground\nE: service station\n')
  })

  it('leaves out an empty system prompt', () => {
    expect(renderRoleMessages({ ...refiner, system: '' }, { question: 'Q', generation: 'G', verification: 'V' })).toHaveLength(1)
  })
})
