import { describe, expect, it } from 'vitest'
import { requiredPlaceholders, type PromptTemplate } from '../../../../src/main/domain/prompts/PromptTemplate'
import { validateTemplate } from '../../../../src/main/domain/prompts/validateTemplate'

describe('validateTemplate', () => {
  it('accepts a template that uses exactly what its role gets', () => {
    expect(validateTemplate({ benchmark: 'math', role: 'verifier', system: 'Check.', user: '{{question}} {{generation}}' })).toEqual([])
  })

  it('reports unknown, unavailable and missing placeholders', () => {
    const template: PromptTemplate = {
      benchmark: 'gsm8k',
      role: 'verifier',
      system: '{{questoin}}',
      user: '{{question}} {{verification}}'
    }
    const issues = validateTemplate(template)
    expect(issues.map((i) => [i.kind, i.placeholder])).toEqual([
      ['unknown_placeholder', 'questoin'],
      ['unavailable_placeholder', 'verification'],
      ['missing_placeholder', 'generation']
    ])
    expect(issues[2]!.message).toBe('the gsm8k verifier template must use {{generation}}')
  })

  it('requires the refiner to see question, generation and verification, and CSQA templates the choices', () => {
    expect(requiredPlaceholders('gsm8k', 'refiner')).toEqual(['question', 'generation', 'verification'])
    expect(requiredPlaceholders('csqa', 'generator')).toEqual(['question', 'choices'])
    const issues = validateTemplate({ benchmark: 'csqa', role: 'refiner', system: '', user: '{{question}}' })
    expect(issues.filter((i) => i.kind === 'missing_placeholder').map((i) => i.placeholder)).toEqual(['choices', 'generation', 'verification'])
    expect(validateTemplate({ benchmark: 'math', role: 'generator', system: '', user: '{{question}} {{choices}}' })[0]!.kind).toBe('unavailable_placeholder')
  })
})
