import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { ChatMessage, GeneratedText, GenerationRequest } from '../../../../src/main/domain/agents/types'
import type { ResolvedAdapter } from '../../../../src/main/domain/eval/EvalConfiguration'
import { evalConfigurations } from '../../../../src/main/domain/eval/evalConfigurations'
import type { CompletedUnit, EvalModelPort, EvalQuestion, EvaluateItemPorts, StoredUnit } from '../../../../src/main/domain/eval/evaluateItem'
import { evaluateItem } from '../../../../src/main/domain/eval/evaluateItem'
import { parseConfigurationIds } from '../../../../src/main/domain/eval/parseConfigurationIds'
import { planEvaluation, unitsOfItem } from '../../../../src/main/domain/eval/planEvaluation'
import type { WorkUnit } from '../../../../src/main/domain/eval/WorkUnit'
import { adapterToken } from '../../../../src/main/domain/eval/WorkUnit'
import { debateInitialMessages } from '../../../../src/main/domain/prompts/debateInitialMessages'
import { debateRoundMessage } from '../../../../src/main/domain/prompts/debateRoundMessage'

/**
 * The model is faked at the port: these tests are about the orchestration (which units, in which order, batched how,
 * with which prompts and seeds, resumed how). A sample's text is a function of its adapter, prompt and seed, like a
 * deterministic engine's, so a regenerated unit can be compared with the original.
 */
interface Call {
  adapter: ResolvedAdapter
  request: GenerationRequest
  /** Keys of the units already saved when the request was made. */
  savedBefore: string[]
}

class ScriptedModel implements EvalModelPort {
  readonly calls: Call[] = []
  samples = 0
  saved: string[] = []
  callsAtFailure: number | undefined
  constructor(
    private readonly options: {
      abortAfterSamples?: { count: number; controller: AbortController }
      failRole?: GenerationRequest['role']
      skipOnSampleDone?: boolean
    } = {}
  ) {}

  async generate(adapter: ResolvedAdapter, request: GenerationRequest): Promise<GeneratedText[]> {
    this.calls.push({ adapter, request, savedBefore: [...this.saved] })
    if (this.options.failRole === request.role) throw new Error(`the ${request.role} context crashed`)
    return Promise.all(
      request.seeds.map(async (seed, index) => {
        await new Promise((resolve) => setTimeout(resolve, seed % 3))
        const aborted = request.signal?.aborted ?? false
        const text = textFor(adapter, request.messages, seed)
        const result: GeneratedText = {
          text: aborted ? text.slice(0, 4) : text,
          stopReason: aborted ? 'abort' : 'eos',
          promptTokens: 10,
          evaluatedPromptTokens: index === 0 ? 10 : 0,
          completionTokens: 5,
          durationMs: 1
        }
        if (!this.options.skipOnSampleDone) request.onSampleDone?.(index, result)
        this.samples++
        const rule = this.options.abortAfterSamples
        if (rule && this.samples === rule.count) rule.controller.abort()
        return result
      })
    )
  }
}

/** A deterministic "completion": a short hash of what the engine sees, ending in a stated answer 42 or 7. */
function textFor(adapter: ResolvedAdapter, messages: readonly ChatMessage[], seed: number): string {
  let h = seed
  for (const ch of `${adapterToken(adapter)}|${JSON.stringify(messages)}`) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0
  return `out${(h >>> 0) % 1000}\nFinal Answer: ${seed % 2 === 0 ? 42 : 7}`
}

const question: EvalQuestion = { id: 5, question: 'What is 6 × 7?', gold: '42', choices: null }
const sampling = { temperature: 0.3, topP: 1, maxTokens: 64 }

function portsFor(model: ScriptedModel, saved: CompletedUnit[], options: { failOnSave?: number; asyncSave?: boolean } = {}): EvaluateItemPorts {
  const store = (unit: CompletedUnit) => {
    if (options.failOnSave !== undefined && saved.length === options.failOnSave) {
      model.callsAtFailure ??= model.calls.length
      throw Object.assign(new Error('SQLITE_FULL: database or disk is full'), { code: 'SQLITE_FULL' })
    }
    saved.push(unit)
    model.saved.push(unit.key)
  }
  return {
    model,
    messagesFor: (role, vars) => [
      { role: 'system', content: `you are the ${role}` },
      { role: 'user', content: `${vars.question} | G: ${vars.generation ?? '-'} | V: ${vars.verification ?? '-'}` }
    ],
    save: options.asyncSave ? (unit) => new Promise<void>((resolve) => setTimeout(() => resolve(store(unit)), 1)) : store
  }
}

function itemUnits(ids: string, seed = 3): WorkUnit[] {
  const plan = planEvaluation({
    configurations: parseConfigurationIds(ids),
    adapterSets: { malt: { generator: 1, verifier: 2, refiner: 3 } },
    questionIds: [question.id],
    seedCount: 1,
    seed
  })
  return unitsOfItem(plan, plan.items[0]!)
}

const settings = { benchmark: 'gsm8k' as const, sampling }

describe('evaluateItem', () => {
  it('runs G → V → R per pass, one request for the k generations, each unit saved with its context and seed', async () => {
    const units = itemUnits('sa,sa_mv,ma,ma_mv')
    const model = new ScriptedModel()
    const saved: CompletedUnit[] = []
    const result = await evaluateItem({ seed: 3, question, units }, [], portsFor(model, saved), settings)

    expect(result).toEqual({ generated: 9, complete: true })
    expect(saved.map((u) => u.key).sort()).toEqual(units.map((u) => u.key).sort())
    // The 3 generations share their prompt: one request with 3 seeds; then one request per verification and refinement.
    const calls = model.calls.map((c) => `${c.request.role}×${c.request.seeds.length}`)
    expect(calls[0]).toBe('generator×3')
    expect(calls.slice(1).sort()).toEqual(['refiner×1', 'refiner×1', 'refiner×1', 'verifier×1', 'verifier×1', 'verifier×1'])
    const byKey = new Map(saved.map((u) => [u.key, u]))
    const seedOf = new Map(units.map((u) => [u.key, u.samplingSeed]))
    for (const unit of saved) {
      expect(unit.samplingSeed).toBe(seedOf.get(unit.key))
      expect(unit.output.text).toBe(textFor('base', unit.messages, unit.samplingSeed))
      expect(unit.extracted).toBe(unit.samplingSeed % 2 === 0 ? '42' : '7')
      expect(unit.correct).toBe(unit.extracted === '42')
    }
    for (const pass of [0, 1, 2]) {
      const g = byKey.get(`p${pass}/G[base]`)!.output.text
      const v = byKey.get(`p${pass}/G[base]>V[base]`)!
      const r = byKey.get(`p${pass}/G[base]>V[base]>R[base]`)!
      expect(v.messages[1]!.content).toBe(`${question.question} | G: ${g} | V: -`)
      expect(r.messages[1]!.content).toBe(`${question.question} | G: ${g} | V: ${v.output.text}`)
      // Dependency order: a stage is requested only after the outputs it reads are saved.
      const vCall = model.calls.find((c) => c.request.seeds[0] === v.samplingSeed && c.request.role === 'verifier')!
      expect(vCall.savedBefore).toContain(`p${pass}/G[base]`)
      const rCall = model.calls.find((c) => c.request.seeds[0] === r.samplingSeed && c.request.role === 'refiner')!
      expect(rCall.savedBefore).toContain(`p${pass}/G[base]>V[base]`)
    }
  })

  it('a verifier answers only in the answer format: a critique ending in a number leaves no answer (issue #11)', async () => {
    const units = itemUnits('ma')
    const critique = '…the calculations are correct… I checked 2 steps.'
    const model: EvalModelPort = {
      generate: async (_adapter, request) =>
        request.seeds.map(() => ({
          text: request.role === 'verifier' ? critique : request.role === 'refiner' ? 'Step 4: add.\nFinal Answer: 42' : 'Step 1: 6 × 7.\nFinal Answer: 42',
          stopReason: 'eos' as const,
          promptTokens: 1,
          evaluatedPromptTokens: 1,
          completionTokens: 1,
          durationMs: 1
        }))
    }
    const saved: CompletedUnit[] = []
    await evaluateItem({ seed: 0, question, units }, [], { ...portsFor(new ScriptedModel(), saved), model }, settings)
    const byRole = new Map(saved.map((u) => [u.role, u]))
    expect(byRole.get('verifier')).toMatchObject({ extracted: null, correct: false })
    expect(byRole.get('generator')).toMatchObject({ extracted: '42', correct: true })
    expect(byRole.get('refiner')).toMatchObject({ extracted: '42', correct: true })
  })

  it('gives the G + R refiner an empty verification, and sends each adapter its own request', async () => {
    const units = itemUnits('sa_mv,g_only,g_r')
    const model = new ScriptedModel()
    const saved: CompletedUnit[] = []
    await evaluateItem({ seed: 3, question, units }, [], portsFor(model, saved), settings)
    const generatorCalls = model.calls.filter((c) => c.request.role === 'generator')
    // Same prompt, different adapters: two requests of 3 seeds.
    expect(generatorCalls.map((c) => [adapterToken(c.adapter), c.request.seeds.length])).toEqual([
      ['base', 3],
      ['#1', 3]
    ])
    const refinements = saved.filter((u) => u.role === 'refiner')
    expect(refinements).toHaveLength(3)
    for (const unit of refinements) {
      expect(unit.adapter).toEqual({ adapterId: 3 })
      expect(unit.messages[1]!.content).toMatch(/ \| V: $/)
    }
  })

  it('resumes: stored units are never generated again, missing ones get the output a fresh run gives them', async () => {
    const units = itemUnits('sa,ma_mv,g_r,untrained_v')
    const fresh: CompletedUnit[] = []
    await evaluateItem({ seed: 3, question, units }, [], portsFor(new ScriptedModel(), fresh), settings)
    const freshByKey = new Map(fresh.map((u) => [u.key, u]))
    const keys = units.map((u) => u.key)
    const dependsOn = new Map(units.map((u) => [u.key, u.dependsOn]))

    await fc.assert(
      fc.asyncProperty(fc.subarray(keys), async (chosen) => {
        // A crash leaves a set closed under "dependencies saved first".
        const present = new Set<string>()
        for (const key of keys) if (chosen.includes(key) && dependsOn.get(key)!.every((d) => present.has(d))) present.add(key)
        const stored: StoredUnit[] = [...present].map((key) => ({ key, text: freshByKey.get(key)!.output.text }))
        const model = new ScriptedModel()
        const saved: CompletedUnit[] = []
        const result = await evaluateItem({ seed: 3, question, units }, stored, portsFor(model, saved), settings)
        expect(result).toEqual({ generated: keys.length - present.size, complete: true })
        expect(saved.map((u) => u.key).sort()).toEqual(keys.filter((k) => !present.has(k)).sort())
        for (const unit of saved) {
          expect(unit.samplingSeed).toBe(freshByKey.get(unit.key)!.samplingSeed)
          expect(unit.messages).toEqual(freshByKey.get(unit.key)!.messages)
          expect(unit.output.text).toBe(freshByKey.get(unit.key)!.output.text)
        }
        expect(model.calls.flatMap((c) => c.request.seeds)).toHaveLength(saved.length)
      }),
      { numRuns: 30 }
    )
  })

  it('does nothing for a complete item', async () => {
    const units = itemUnits('ma')
    const model = new ScriptedModel()
    const stored = units.map((u) => ({ key: u.key, text: 'old' }))
    expect(await evaluateItem({ seed: 3, question, units }, stored, portsFor(model, []), settings)).toEqual({ generated: 0, complete: true })
    expect(model.calls).toEqual([])
  })

  it('stops on abort without saving interrupted samples', async () => {
    const controller = new AbortController()
    const units = itemUnits('ma_mv')
    const model = new ScriptedModel({ abortAfterSamples: { count: 4, controller } })
    const saved: CompletedUnit[] = []
    const result = await evaluateItem({ seed: 3, question, units }, [], portsFor(model, saved), { ...settings, signal: controller.signal })
    expect(result.complete).toBe(false)
    expect(result.generated).toBe(saved.length)
    expect(saved.length).toBeGreaterThan(0)
    expect(saved.length).toBeLessThan(9)
    expect(saved.every((u) => u.output.stopReason === 'eos')).toBe(true)
  })

  it('starts nothing when already aborted', async () => {
    const controller = new AbortController()
    controller.abort()
    const model = new ScriptedModel()
    const result = await evaluateItem({ seed: 3, question, units: itemUnits('ma') }, [], portsFor(model, []), { ...settings, signal: controller.signal })
    expect(result).toEqual({ generated: 0, complete: false })
    expect(model.calls).toEqual([])
  })

  it('a failed save stops the item and reports that error', async () => {
    const saved: CompletedUnit[] = []
    const model = new ScriptedModel()
    await expect(evaluateItem({ seed: 3, question, units: itemUnits('ma_mv') }, [], portsFor(model, saved, { failOnSave: 4 }), settings)).rejects.toThrow(
      'SQLITE_FULL'
    )
    expect(saved).toHaveLength(4)
    // Nothing is requested after the failure.
    expect(model.callsAtFailure).toBeDefined()
    expect(model.calls).toHaveLength(model.callsAtFailure!)
  })

  it('a failed request stops the item and reports that error', async () => {
    const saved: CompletedUnit[] = []
    await expect(
      evaluateItem({ seed: 3, question, units: itemUnits('ma_mv') }, [], portsFor(new ScriptedModel({ failRole: 'verifier' }), saved), settings)
    ).rejects.toThrow('the verifier context crashed')
    expect(saved.every((u) => u.role === 'generator')).toBe(true)
  })

  it('waits for asynchronous saves and works with a port that does not stream samples', async () => {
    const saved: CompletedUnit[] = []
    const model = new ScriptedModel({ skipOnSampleDone: true })
    const result = await evaluateItem({ seed: 3, question, units: itemUnits('ma_mv') }, [], portsFor(model, saved, { asyncSave: true }), settings)
    expect(result).toEqual({ generated: 9, complete: true })
    expect(saved).toHaveLength(9)
  })
})

describe('evaluateItem: debate (Du et al.)', () => {
  const debateUnits = (agents: number, rounds: number) => {
    const configuration = { ...evalConfigurations().find((c) => c.id === 'debate')!, debate: { agents, rounds } }
    const plan = planEvaluation({ configurations: [configuration], questionIds: [question.id], seedCount: 1, seed: 3 })
    return unitsOfItem(plan, plan.items[0]!)
  }

  it('each agent keeps its own history and sees exactly the other agents’ previous-round answers', async () => {
    const units = debateUnits(3, 3)
    const model = new ScriptedModel()
    const saved: CompletedUnit[] = []
    await evaluateItem({ seed: 3, question, units }, [], portsFor(model, saved), settings)
    expect(saved).toHaveLength(9)

    // Round 0: one prompt for all agents, so one request with three seeds; rounds 1 and 2: one request per agent.
    expect(model.calls.map((c) => c.request.seeds.length)).toEqual([3, 1, 1, 1, 1, 1, 1])
    const initial = debateInitialMessages('gsm8k', question.question)
    expect(model.calls[0]!.request.messages).toEqual(initial)

    const answer = (agent: number, round: number) => saved.find((u) => u.key === `p0/D3[base](a${agent},r${round})`)!.output.text
    for (const round of [1, 2]) {
      for (const agent of [0, 1, 2]) {
        const unit = saved.find((u) => u.key === `p0/D3[base](a${agent},r${round})`)!
        expect(unit.role).toBe('generator')
        expect(unit.messages).toHaveLength(1 + 2 * round)
        const expected: ChatMessage[] = [...initial]
        for (let t = 0; t < round; t++) {
          expected.push({ role: 'assistant', content: answer(agent, t) })
          const others = [0, 1, 2].filter((b) => b !== agent).map((b) => answer(b, t))
          expected.push(debateRoundMessage('gsm8k', question.question, others))
        }
        expect(unit.messages).toEqual(expected)
        // The round message quotes the two others' previous answers, and neither its own nor this round's.
        const last = unit.messages[unit.messages.length - 1]!.content
        expect(last.split('One agent solution:').length - 1).toBe(2)
        expect(last).not.toContain(answer(agent, round - 1))
        // A round starts only after the whole previous round is saved.
        const call = model.calls.find((c) => c.request.seeds[0] === unit.samplingSeed)!
        for (const b of [0, 1, 2]) expect(call.savedBefore).toContain(`p0/D3[base](a${b},r${round - 1})`)
      }
    }
  })

  it('a lone agent is asked to double-check, and passes of a debate batch their first round', async () => {
    const saved: CompletedUnit[] = []
    await evaluateItem({ seed: 3, question, units: debateUnits(1, 2) }, [], portsFor(new ScriptedModel(), saved), settings)
    const second = saved.find((u) => u.key === 'p0/D1[base](a0,r1)')!
    expect(second.messages[2]).toEqual(debateRoundMessage('gsm8k', question.question, []))

    const configuration = { ...evalConfigurations().find((c) => c.id === 'debate')!, votes: 2 }
    const plan = planEvaluation({ configurations: [configuration], questionIds: [question.id], seedCount: 1 })
    const model = new ScriptedModel()
    await evaluateItem({ seed: 0, question, units: unitsOfItem(plan, plan.items[0]!) }, [], portsFor(model, []), settings)
    expect(model.calls[0]!.request.seeds).toHaveLength(6)
    expect(model.calls).toHaveLength(1 + 2 * 3 * 2)
  })
})
