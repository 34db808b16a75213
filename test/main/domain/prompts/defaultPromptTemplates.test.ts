import { roles } from '@shared/roles'
import { benchmarks } from '@shared/benchmarks'
import { describe, expect, it } from 'vitest'
import { gradeAnswer } from '../../../../src/main/domain/grading/gradeAnswer'
import { defaultPromptTemplate, defaultPromptTemplates } from '../../../../src/main/domain/prompts/defaultPromptTemplates'
import { renderRoleMessages } from '../../../../src/main/domain/prompts/renderRoleMessages'
import { validateTemplate } from '../../../../src/main/domain/prompts/validateTemplate'

const vars = {
  question: 'Marco has 500 cards; a fourth are duplicates. He trades one-fifth of the duplicates. How many new cards?',
  choices: ['manual', 'street', 'restaurant', 'ground', 'service station'],
  generation: 'Step 1: ...\n\nFinal Answer: 25',
  verification: 'As a verifier, I will critically evaluate the initial answer provided above. It is correct.'
}

describe('defaultPromptTemplates', () => {
  it('has one valid template per benchmark and role', () => {
    expect(defaultPromptTemplates).toHaveLength(9)
    for (const benchmark of benchmarks) {
      for (const role of roles) {
        const template = defaultPromptTemplate(benchmark, role)
        expect(template).toMatchObject({ benchmark, role })
        expect(validateTemplate(template)).toEqual([])
        expect(template.system.length).toBeLessThan(120)
        expect(() => renderRoleMessages(template, vars)).not.toThrow()
      }
    }
  })

  it('follows the paper: five-step GSM8K scaffold, verifier critique, exact refiner system prompt', () => {
    const generator = defaultPromptTemplate('gsm8k', 'generator').user
    expect(generator).toContain('Step 1: Identify the key information given in the question')
    expect(generator).toContain('Step 5: State our conclusion and double-check our answer')
    expect(generator).toContain('Final Answer: <number>')
    expect(defaultPromptTemplate('gsm8k', 'verifier').user).toContain('As a verifier, critically evaluate the initial answer')
    const refiner = defaultPromptTemplate('gsm8k', 'refiner')
    expect(refiner.system).toBe('You are an expert problem solver that refines math solutions based on feedback.')
    expect(refiner.user).toMatch(/^Question: \{\{question\}\}\n\nInitial Answer: \{\{generation\}\}\n\nFeedback: \{\{verification\}\}/)
    expect(defaultPromptTemplate('math', 'generator').user).toContain('Final Answer: $\\boxed{<answer>}$')
    const csqa = defaultPromptTemplate('csqa', 'generator').user
    expect(csqa).toContain('Choices:\n{{choices}}')
    expect(csqa).toContain('Reasoning steps:')
    expect(csqa).toContain('Final Answer: <letter>')
  })

  it('is zero-shot: no template contains a worked example', () => {
    for (const template of defaultPromptTemplates) expect(template.user).not.toMatch(/Example|Final Answer: \d/)
  })

  it('asks for answers in the form the graders read', () => {
    expect(gradeAnswer('gsm8k', 'Step 5: ...\nFinal Answer: 25', '#### 25').correct).toBe(true)
    expect(gradeAnswer('math', 'so ...\nFinal Answer: $\\boxed{\\frac{1}{2}}$', '\\frac12').correct).toBe(true)
    expect(gradeAnswer('csqa', 'Reasoning steps: 1. ...\nFinal Answer: D', 'D', vars.choices).correct).toBe(true)
  })
})
