import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Workbench } from '../../../src/main/app/Workbench'
import type { GeneratedText, GenerationRequest, LanguageModelPort } from '../../../src/main/domain/agents/types'
import { createRandom } from '../../../src/main/domain/random/seededRandom'
import type { AgentHost, AgentSetup } from '../../../src/main/services/ports/AgentHost'
import type { CreateEvaluationInput } from '../../../src/shared/api/schemas/evaluations'
import { AppError } from '../../../src/shared/errors'
import { registerAdapter } from '../../support/registerAdapter'

/**
 * The evaluation service on a real store (SQLite in memory, real migrations, prompts and graders) with the model
 * scripted at the AgentHost port: these tests are about creating, running, storing, resuming, failing, aggregating,
 * reading and exporting. The real engine runs in test/model/EvaluationService.*.test.ts.
 */

/** "What is A + B?": the scripted model can tell the gold answer from the prompt. */
const questions = Array.from({ length: 8 }, (_, i) => ({ a: 10 + i, b: 3 * i + 1 }))
const datasetFile = questions.map(({ a, b }) => JSON.stringify({ question: `What is ${a} + ${b}?`, answer: `${a} + ${b} = ${a + b}\n#### ${a + b}` })).join('\n')

interface Sample {
  adapter: string | null
  role: string
  seed: number
}

/**
 * A deterministic stand-in for the engine: a sample's text is a function of its adapter, role, prompt and seed, and it
 * is right more often with an adapter (a "trained" one) than without. Verifiers state an answer half of the time.
 */
class ScriptedHost implements AgentHost {
  readonly samples: Sample[] = []
  failOnCall: number | null = null
  calls = 0
  onSample: (count: number) => void = () => undefined

  async agents(setup: AgentSetup): Promise<LanguageModelPort> {
    const adapter = setup.adapters?.generator?.filePath ?? null
    expect(setup.adapters?.verifier?.filePath ?? null).toBe(adapter)
    expect(setup.adapters?.refiner?.filePath ?? null).toBe(adapter)
    return { generate: (request) => this.generate(adapter, request) }
  }

  async dispose(): Promise<void> {}

  private async generate(adapter: string | null, request: GenerationRequest): Promise<GeneratedText[]> {
    this.calls++
    if (this.failOnCall !== null && this.calls >= this.failOnCall) throw new Error(`the ${request.role} context crashed`)
    const prompt = request.messages.map((m) => m.content).join('\n')
    const match = /What is (\d+) \+ (\d+)\?/.exec(prompt)
    const gold = match ? Number(match[1]) + Number(match[2]) : 0
    const results: GeneratedText[] = []
    for (const [index, seed] of request.seeds.entries()) {
      await new Promise((resolve) => setImmediate(resolve))
      if (request.signal?.aborted) {
        results.push({ text: '', stopReason: 'abort', promptTokens: 1, evaluatedPromptTokens: 1, completionTokens: 0, durationMs: 1 })
        request.onSampleDone?.(index, results[index]!)
        continue
      }
      const random = createRandom(seed + (adapter ? 7 : 0) + prompt.length)
      const right = random() < (adapter ? 0.7 : 0.4)
      const answer = right ? gold : gold + 1 + Math.floor(random() * 5)
      const text =
        request.role === 'verifier' && random() < 0.5
          ? `The steps look ${right ? 'fine' : 'off'}; I cannot confirm a number.`
          : `Adding the numbers step by step.\nFinal Answer: ${answer}`
      const result: GeneratedText = { text, stopReason: 'eos', promptTokens: 20, evaluatedPromptTokens: 20, completionTokens: 12, durationMs: 2 }
      this.samples.push({ adapter, role: request.role, seed })
      results.push(result)
      request.onSampleDone?.(index, result)
      this.onSample(this.samples.length)
    }
    return results
  }
}

describe('EvaluationService', () => {
  let host: ScriptedHost
  let workbench: Workbench
  let datasetId: number
  let lora: { a: number; b: number }

  beforeEach(() => {
    host = new ScriptedHost()
    workbench = Workbench.open({ databasePath: ':memory:', dataFolder: null, transport: 'cli', agentHost: host })
    datasetId = workbench.datasets.importBytes(Buffer.from(datasetFile), 'test.jsonl', { name: 'sums', format: 'gsm8k', split: 'test' }).datasetId
    const register = (name: string, file: string) =>
      registerAdapter(workbench, { name, role: 'generator', stage: 'sft', baseModelPath: '/m.gguf', ggufPath: file, peftDir: null, trainingJobId: null, runId: null }).id
    lora = { a: register('a', '/adapters/a.gguf'), b: register('b', '/adapters/b.gguf') }
  })
  afterEach(async () => {
    await workbench.dispose()
  })

  const create = (overrides: Partial<CreateEvaluationInput> = {}) =>
    workbench.evaluations.create({
      datasetId,
      configurations: ['sa', 'sa_mv', 'ma', 'ma_mv', 'malt', 'untrained_v', 'g_r', 'debate'],
      adapterSets: { malt: { generator: lora.a, verifier: lora.b, refiner: lora.a } },
      seeds: [0, 1],
      subsetSize: 3,
      debate: { agents: 2, rounds: 2 },
      modelPath: '/m.gguf',
      start: false,
      ...overrides
    })

  const rows = (evaluationId: number) =>
    workbench.store.db
      .prepare('SELECT id, seed, question_id, work_key, text, correct, created_at FROM eval_outputs WHERE evaluation_id = ? ORDER BY id')
      .all(evaluationId) as { id: number; seed: number; question_id: number; work_key: string; text: string; correct: number; created_at: string }[]

  it('computes every planned unit once, stores the summary at completion and aggregates the stored units', async () => {
    const created = create()
    expect(created).toMatchObject({ status: 'created', itemCount: 6, storedUnits: 0, configurationIds: ['sa', 'sa_mv', 'ma', 'ma_mv', 'malt', 'untrained_v', 'g_r', 'debate'] })
    const detail = workbench.evaluations.get(created.id)
    // base G/V/R × 3 passes, MALT's 9, untrained V's own V and R (3 + 3), G + R's empty-verification R (3), 2 × 2 debate.
    expect(detail.unitsPerItem).toBe(9 + 9 + 6 + 3 + 4)
    expect(detail.unitCount).toBe(31 * 6)
    expect(detail.naiveUnitCount).toBeGreaterThan(detail.unitCount)

    const { done } = workbench.evaluations.start(created.id)
    await done
    const view = workbench.evaluations.view(created.id)
    expect(view).toMatchObject({ status: 'completed', storedUnits: detail.unitCount, completeItems: 6, jobId: null })
    const stored = rows(created.id)
    expect(stored).toHaveLength(detail.unitCount)
    expect(new Set(stored.map((r) => `${r.seed}:${r.question_id}:${r.work_key}`)).size).toBe(stored.length)
    // Each distinct adapter ran as its own runtime (all three roles carrying it); MALT's generator is lora a.
    expect(new Set(host.samples.map((s) => s.adapter))).toEqual(new Set([null, '/adapters/a.gguf', '/adapters/b.gguf']))

    const results = workbench.evaluations.results(created.id)
    expect(results).toMatchObject({ fromStore: true, complete: true, seeds: [0, 1], itemCount: 6, storedUnits: detail.unitCount })
    // SA is pass 0's base generation: recount it straight from the rows.
    const sa = results.configurations.find((c) => c.id === 'sa')!
    for (const seed of [0, 1]) {
      const correct = stored.filter((r) => r.seed === seed && r.work_key === 'p0/G[base]' && r.correct === 1).length
      expect(sa.accuracy.perSeed.find((s) => s.seed === seed)).toMatchObject({ correct, total: 3, accuracy: (100 * correct) / 3 })
    }
    const recomputed = workbench.evaluations.results(created.id, { recompute: true })
    expect(recomputed.fromStore).toBe(false)
    expect(recomputed.configurations.map((c) => c.accuracy)).toEqual(results.configurations.map((c) => c.accuracy))
    const malt = results.configurations.find((c) => c.id === 'malt')!
    expect(malt.turns.map((t) => t.id)).toEqual(['generator', 'verifier', 'refiner'])
    expect(malt.flips).toHaveLength(2)
    expect(malt.byVotes.map((v) => v.votes)).toEqual([1, 2, 3])
    expect(malt.resolved).toEqual({ generator: { adapterId: lora.a }, verifier: { adapterId: lora.b }, refiner: { adapterId: lora.a } })
    // One materialized verdict per configuration and item.
    expect(workbench.store.db.prepare('SELECT count(*) AS n FROM eval_items WHERE evaluation_id = ?').get(created.id)).toEqual({ n: 8 * 6 })
    await expect(async () => workbench.evaluations.start(created.id)).rejects.toThrow(/already complete/)
  })

  it('resumes a paused evaluation without regenerating or changing a stored unit', async () => {
    const created = create({ questionConcurrency: 2 })
    host.onSample = (count) => {
      if (count === 40) workbench.evaluations.pause(created.id)
    }
    await workbench.evaluations.start(created.id).done
    const paused = workbench.evaluations.view(created.id)
    expect(paused.status).toBe('paused')
    expect(paused.storedUnits).toBeGreaterThanOrEqual(35)
    expect(paused.storedUnits).toBeLessThan(paused.unitCount)
    const before = rows(created.id)
    const partial = workbench.evaluations.results(created.id)
    expect(partial.complete).toBe(false)
    expect(partial.configurations.some((c) => c.incompleteItems > 0)).toBe(true)

    host.onSample = () => undefined
    const samplesBefore = host.samples.length
    await workbench.evaluations.start(created.id).done
    const after = rows(created.id)
    expect(workbench.evaluations.view(created.id)).toMatchObject({ status: 'completed', storedUnits: paused.unitCount })
    expect(after).toHaveLength(paused.unitCount)
    expect(after.slice(0, before.length)).toEqual(before)
    // Exactly the missing units were generated (no stored one again): one sample per missing unit.
    expect(host.samples.length - samplesBefore).toBe(paused.unitCount - before.length)
  })

  it('marks a failed evaluation failed with the error, keeps its units, and completes on resume', async () => {
    const created = create({ configurations: ['ma_mv'], adapterSets: {} })
    host.failOnCall = 6
    await workbench.evaluations.start(created.id).done
    const failed = workbench.evaluations.view(created.id)
    expect(failed.status).toBe('failed')
    expect(failed.error).toMatch(/context crashed/)
    expect(failed.storedUnits).toBeGreaterThan(0)
    const kept = rows(created.id)
    host.failOnCall = null
    await workbench.evaluations.start(created.id).done
    expect(workbench.evaluations.view(created.id)).toMatchObject({ status: 'completed', error: null })
    expect(rows(created.id).slice(0, kept.length)).toEqual(kept)
  })

  it('reads items, comparisons and the trained-vs-untrained verifier, and exports tables and JSONL that hold the numbers', async () => {
    const created = create()
    await workbench.evaluations.start(created.id).done
    const results = workbench.evaluations.results(created.id)

    const page = workbench.evaluations.items(created.id, 'malt', { limit: 4 })
    expect(page.total).toBe(6)
    expect(page.items).toHaveLength(4)
    const item = page.items[0]!
    expect(item.complete).toBe(true)
    expect(item.passes.map((p) => p.units.map((u) => u.stage))).toEqual(Array(3).fill(['generator', 'verifier', 'refiner']))
    expect(item.passes[0]!.units[1]!.key).toBe(`p0/G[#${lora.a}]>V[#${lora.b}]`)
    expect(item.votes).toHaveLength(3)
    expect(item.turns.map((t) => t.id)).toEqual(['generator', 'verifier', 'refiner'])
    expect(item.correct).toBe(item.turns[2]!.correct)
    const right = workbench.evaluations.items(created.id, 'malt', { outcome: 'correct' }).total
    const wrong = workbench.evaluations.items(created.id, 'malt', { outcome: 'wrong' }).total
    expect(right + wrong).toBe(6)
    const maltMean = results.configurations.find((c) => c.id === 'malt')!.accuracy
    expect(right).toBe(maltMean.perSeed.reduce((sum, s) => sum + s.correct, 0))
    const debate = workbench.evaluations.items(created.id, 'debate', { seed: 1 })
    expect(debate.total).toBe(3)
    expect(debate.items[0]!.passes[0]!.units.map((u) => [u.agent, u.round])).toEqual([[0, 0], [1, 0], [0, 1], [1, 1]])
    expect(() => workbench.evaluations.items(created.id, 'star_sa')).toThrow(/no configuration 'star_sa'/)

    const [comparison] = workbench.evaluations.compare(created.id, created.id, [['sa', 'malt']])
    expect(comparison!.shared).toBe(6)
    expect(comparison!.bothRight + comparison!.bothWrong + comparison!.rightInAOnly.length + comparison!.rightInBOnly.length).toBe(6)
    // Each difference carries its question, so the page can show it without another call.
    const itemsOfSa = workbench.evaluations.items(created.id, 'sa').items
    for (const difference of [...comparison!.rightInAOnly, ...comparison!.rightInBOnly]) {
      const item = itemsOfSa.find((candidate) => candidate.seed === difference.seed && candidate.questionId === difference.questionId)!
      expect(difference).toMatchObject({ externalId: item.externalId, question: item.question, gold: item.gold })
    }

    const verifiers = workbench.evaluations.verifierComparison(created.id, { trained: 'malt', untrained: 'untrained_v', pass: 0, onlyDisagreements: false, offset: 0, limit: 50 })
    expect(verifiers.generationChain).toBe(`G[#${lora.a}]`)
    expect(verifiers).toMatchObject({ total: 6, trained: { verifierAdapter: `#${lora.b}` }, untrained: { verifierAdapter: 'base' } })
    for (const entry of verifiers.items) {
      expect(entry.generation!.key).toBe(`p0/G[#${lora.a}]`)
      expect(entry.trained.verification!.key).toBe(`p0/G[#${lora.a}]>V[#${lora.b}]`)
      expect(entry.untrained.verification!.key).toBe(`p0/G[#${lora.a}]>V[base]`)
      expect(entry.disagree).toBe(entry.trained.refinement!.correct !== entry.untrained.refinement!.correct)
    }
    const disagreements = workbench.evaluations.verifierComparison(created.id, { trained: 'malt', untrained: 'untrained_v', pass: 0, onlyDisagreements: true, offset: 0, limit: 50 })
    expect(disagreements.total).toBe(verifiers.disagreements)
    expect(() =>
      workbench.evaluations.verifierComparison(created.id, { trained: 'malt', untrained: 'ma', pass: 0, onlyDisagreements: false, offset: 0, limit: 5 })
    ).toThrow(/do not read the same generator output/)

    // Tables: the paper's cells are mean ± std over the two seeds, whatever the format.
    const means = new Map(results.configurations.map((c) => [c.label, c.accuracy]))
    const json = JSON.parse(workbench.evaluations.exportTable([created.id], { format: 'json' }).content) as { Configuration: string; sums: { mean: number; std: number; n: number } }[]
    expect(json).toHaveLength(8)
    for (const row of json) expect(row.sums).toMatchObject({ mean: means.get(row.Configuration)!.mean!, std: means.get(row.Configuration)!.std!, n: 2 })
    const csv = workbench.evaluations.exportTable([created.id], { format: 'csv', splitStd: true }).content.trim().split('\n')
    expect(csv[0]).toBe('Configuration,sums,sums std')
    for (const line of csv.slice(1)) {
      const [label, mean, std] = line.split(',')
      expect(Number(mean)).toBeCloseTo(means.get(label!)!.mean!, 2)
      expect(Number(std)).toBeCloseTo(means.get(label!)!.std!, 2)
    }
    const markdown = workbench.evaluations.exportTable([created.id], { format: 'markdown' })
    expect(markdown.fileName).toBe(`evaluation-${created.id}-results.md`)
    const maltRow = markdown.content.split('\n').find((line) => line.startsWith('| MALT |'))!
    expect(maltRow).toBe(`| MALT | ${maltMean.mean!.toFixed(2)} ± ${maltMean.std!.toFixed(2)} |`)
    const ablation = workbench.evaluations.exportTable([created.id], { format: 'markdown', table: 'untrainedRole' }).content
    expect(ablation).toContain('| ✓ | ✗ | ✓ |')

    const lines = [...workbench.evaluations.exportItemLines(created.id)].map((line) => JSON.parse(line) as { configurationId: string; correct: boolean; passes: unknown[] })
    expect(lines).toHaveLength(8 * 6)
    const maltLines = lines.filter((line) => line.configurationId === 'malt')
    expect(maltLines.filter((line) => line.correct).length).toBe(right)
  })

  it('refuses what cannot run, naming it', () => {
    const expectInvalid = (input: Partial<CreateEvaluationInput>, message: RegExp) => {
      let caught: unknown
      try {
        create(input)
      } catch (error) {
        caught = error
      }
      expect(caught).toBeInstanceOf(AppError)
      expect((caught as AppError).message).toMatch(message)
    }
    expectInvalid({ configurations: ['sa', 'nope'] }, /unknown configuration 'nope'/)
    expectInvalid({ configurations: ['malt'], adapterSets: {} }, /no 'malt' generator adapter is chosen/)
    expectInvalid({ configurations: ['star_sa'], adapterSets: { star: { generator: 99 } } }, /no adapter with id 99/)
    expectInvalid({ split: 'train' }, /has no split 'train' \(it has: test\)/)
    expectInvalid({ seeds: [1, 1] }, /seed 1 is listed twice/)
    expect(workbench.evaluations.list()).toEqual([])

    const { presets, needs } = workbench.evaluations.configurations({ ids: ['sa', 'g_only', 'star_ma'] })
    expect(presets).toHaveLength(17)
    expect(presets.find((p) => p.id === 'untrained_v')).toMatchObject({ group: 'untrained_role', needs: [{ set: 'malt', roles: ['generator', 'refiner'] }] })
    expect(needs).toEqual([
      { set: 'malt', roles: ['generator'], configurationIds: ['g_only'] },
      { set: 'star', roles: ['generator', 'verifier', 'refiner'], configurationIds: ['star_ma'] }
    ])
  })
})
