import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Workbench } from '../../../src/main/app/Workbench'
import { AppError } from '../../../src/shared/errors'
import { makeTempDir } from '../../support/paths'

describe('PromptService', () => {
  let temp: ReturnType<typeof makeTempDir>
  let workbench: Workbench
  beforeEach(() => {
    temp = makeTempDir()
    workbench = Workbench.open({ databasePath: join(temp.dir, 'w.sqlite'), dataFolder: null, transport: 'cli' })
  })
  afterEach(async () => {
    await workbench.dispose()
    temp.cleanup()
  })

  it('seeds the paper-style defaults once as version 1 of each benchmark × role', async () => {
    const all = workbench.prompts.list()
    expect(all).toHaveLength(9)
    expect(all.every((template) => template.version === 1)).toBe(true)
    expect(workbench.prompts.latest('gsm8k', 'refiner').system).toBe('You are an expert problem solver that refines math solutions based on feedback.')
    await workbench.dispose()
    workbench = Workbench.open({ databasePath: join(temp.dir, 'w.sqlite'), dataFolder: null, transport: 'cli' })
    expect(workbench.prompts.list()).toHaveLength(9)
  })

  it('an edit is a new version; old versions keep their text', () => {
    const first = workbench.prompts.latest('csqa', 'verifier')
    const edited = workbench.prompts.save({ benchmark: 'csqa', role: 'verifier', system: 'Be brief.', user: '{{question}}\n{{choices}}\n{{generation}}', note: 'shorter' })
    expect(edited.version).toBe(2)
    expect(workbench.prompts.latest('csqa', 'verifier').id).toBe(edited.id)
    expect(workbench.prompts.get(first.id).user).toBe(first.user)
    expect(workbench.prompts.list({ benchmark: 'csqa', role: 'verifier' }).map((t) => t.version)).toEqual([2, 1])
  })

  it('refuses a template whose placeholders do not fit its role, naming the placeholder', () => {
    let caught: unknown
    try {
      workbench.prompts.save({ benchmark: 'gsm8k', role: 'verifier', system: '', user: '{{question}} {{verification}}' })
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(AppError)
    expect((caught as AppError).code).toBe('invalid_input')
    expect((caught as AppError).message).toMatch(/\{\{verification\}\} is not available/)
    expect(workbench.prompts.list({ benchmark: 'gsm8k', role: 'verifier' })).toHaveLength(1)
  })

  it('renders a stored version into chat messages', () => {
    const id = workbench.prompts.latest('csqa', 'generator').id
    const messages = workbench.prompts.render(id, { question: 'Where is oil?', choices: ['a', 'b', 'c', 'd', 'e'] })
    expect(messages[0]!.role).toBe('system')
    expect(messages[1]!.content).toContain('Where is oil?')
    expect(messages[1]!.content).toContain('E: e')
  })
})
