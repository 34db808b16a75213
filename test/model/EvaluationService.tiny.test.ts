import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Workbench } from '../../src/main/app/Workbench'
import { runCli } from '../../src/main/cli/runCli'
import { builtInConfigurationIds } from '../../src/main/domain/eval/evalConfigurations'
import { captureIo } from '../support/captureIo'
import { tinyLoraPath, tinyModelPath } from '../support/models'
import { makeTempDir, repoRoot, sharedDataDir, sharedDataFile } from '../support/paths'
import { registerAdapter } from '../support/registerAdapter'

/**
 * Real evaluations through node-llama-cpp on the tiny random model (its answers are noise, so accuracies are ~0; what
 * is checked is the machinery): every preset with tiny-lora-a/b registered as the MALT and STaR adapters, the stored
 * units against the plan, the aggregation and exports, and a `malt eval` process killed with SIGKILL mid-way that
 * resumes to exactly the planned units without regenerating any.
 */

const temp = makeTempDir('malt-eval-')
const databasePath = join(temp.dir, 'w.sqlite')
let workbench: Workbench
let datasetId: number
let lora: { a: number; b: number }
const spawned: ChildProcess[] = []

beforeAll(async () => {
  workbench = Workbench.open({ databasePath, dataFolder: sharedDataDir(), transport: 'cli' })
  datasetId = (await workbench.datasets.importFile(sharedDataFile('gsm8k/test.jsonl'), { name: 'gsm8k', format: 'gsm8k' })).datasetId
  // Explicit threads; small contexts (prompts here are a few hundred tokens).
  workbench.models.saveEngineSettings({ gpu: false, maxThreads: 1, gpuLayers: 0, sequencesPerRole: 6, contextSize: 1024 })
  const register = (name: string, file: string) =>
    registerAdapter(workbench, { name, role: 'generator', stage: 'sft', baseModelPath: tinyModelPath(), ggufPath: file, peftDir: null, trainingJobId: null, runId: null }).id
  lora = { a: register('tiny-lora-a', tinyLoraPath('a')), b: register('tiny-lora-b', tinyLoraPath('b')) }
})

afterAll(async () => {
  for (const child of spawned) if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL')
  await workbench?.dispose()
  temp.cleanup()
})

/** `malt …` in its own process group (tsx runs the CLI in a grandchild), so the whole of it can be killed. */
function spawnMalt(args: string[]) {
  const tsx = join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs')
  const child = spawn(process.execPath, [tsx, '--tsconfig', 'tsconfig.node.json', 'src/main/cli/main.ts', ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true
  })
  spawned.push(child)
  let stdout = ''
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
    output += chunk.toString()
  })
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })))
  return { child, exited, stdout: () => stdout, output: () => output }
}

const rows = (evaluationId: number) =>
  workbench.store.db
    .prepare('SELECT id, seed, question_id, work_key, text, created_at FROM eval_outputs WHERE evaluation_id = ? ORDER BY id')
    .all(evaluationId) as { id: number; seed: number; question_id: number; work_key: string; text: string; created_at: string }[]

describe('evaluations on the tiny model', () => {
  it('evaluates every preset with MALT and STaR adapter sets, storing exactly the planned units once', async () => {
    const created = workbench.evaluations.create({
      datasetId,
      configurations: [...builtInConfigurationIds],
      // Two adapter files stand in for six trained roles: MALT G/R on a and V on b, STaR the other way round.
      adapterSets: { malt: { generator: lora.a, verifier: lora.b, refiner: lora.a }, star: { generator: lora.b, verifier: lora.a, refiner: lora.b } },
      seeds: [0],
      subsetSize: 2,
      sampling: { temperature: 0.3, topP: 1, maxTokens: 8 },
      modelPath: tinyModelPath(),
      start: false
    })
    const detail = workbench.evaluations.get(created.id)
    expect(detail.unitsPerItem).toBe(54)
    const started = Date.now()
    await workbench.evaluations.start(created.id).done
    const seconds = (Date.now() - started) / 1000
    console.log(`tiny model, 17 presets: ${detail.unitCount} units in ${seconds.toFixed(1)} s (${(detail.unitCount / seconds).toFixed(1)} units/s)`)

    const view = workbench.evaluations.view(created.id)
    expect(view).toMatchObject({ status: 'completed', error: null, storedUnits: detail.unitCount, completeItems: 2 })
    const stored = rows(created.id)
    expect(stored).toHaveLength(detail.unitCount)
    const planned = new Set(detail.subsets.flatMap((s) => s.questionIds.map((q) => `${s.seed}:${q}`)))
    const keys = new Set(stored.map((r) => `${r.seed}:${r.question_id}:${r.work_key}`))
    expect(keys.size).toBe(stored.length)
    for (const row of stored) expect(planned.has(`${row.seed}:${row.question_id}`)).toBe(true)
    expect(stored.some((r) => r.work_key.includes(`G[#${lora.b}]>V[#${lora.a}]>R[#${lora.b}]`))).toBe(true)
    expect(stored.some((r) => r.work_key === `p2/G[#${lora.a}]>R[#${lora.a}](empty)`)).toBe(true)
    expect(stored.some((r) => r.work_key === 'p0/D3[base](a2,r2)')).toBe(true)

    // Every configuration reads the stages of its pipeline, each run with the adapter its role names: e.g. STaR's
    // verifier is lora a, Untrained V's verifier the base model, G + R's refiner reads no verification.
    const token = (adapter: 'base' | { adapterId: number }) => (adapter === 'base' ? 'base' : `#${adapter.adapterId}`)
    const stagesOf: Record<string, string[]> = { G: ['generator'], GV: ['generator', 'verifier'], GR: ['generator', 'refiner'], GVR: ['generator', 'verifier', 'refiner'] }
    for (const configuration of detail.configurations) {
      const { items } = workbench.evaluations.items(created.id, configuration.id)
      expect(items, configuration.id).toHaveLength(2)
      for (const item of items) {
        expect(item.complete, configuration.id).toBe(true)
        expect(item.passes, configuration.id).toHaveLength(configuration.votes)
        for (const pass of item.passes) {
          if (configuration.pipeline === 'debate') {
            expect(pass.units.map((unit) => unit.stage)).toEqual(Array(9).fill('debate'))
            continue
          }
          expect(pass.units.map((unit) => unit.stage), configuration.id).toEqual(stagesOf[configuration.pipeline])
          for (const unit of pass.units) expect(unit.adapter, `${configuration.id} ${unit.role}`).toBe(token(configuration.resolved[unit.role]))
        }
      }
    }
    expect(detail.configurations.find((c) => c.id === 'star_ma')!.resolved).toEqual({ generator: { adapterId: lora.b }, verifier: { adapterId: lora.a }, refiner: { adapterId: lora.b } })
    expect(detail.configurations.find((c) => c.id === 'untrained_v')!.resolved.verifier).toBe('base')

    const results = workbench.evaluations.results(created.id)
    expect(results.configurations.map((c) => c.id)).toEqual([...builtInConfigurationIds])
    for (const configuration of results.configurations) {
      expect(configuration).toMatchObject({ completeItems: 2, incompleteItems: 0, accuracy: { n: 1 } })
      expect(configuration.accuracy.mean).toBeGreaterThanOrEqual(0)
    }

    const csv = workbench.evaluations.exportTable([created.id], { format: 'csv' }).content.trim().split('\n')
    expect(csv).toHaveLength(1 + 17)
    expect(csv[0]).toBe('Configuration,GSM8K')
    const json = JSON.parse(workbench.evaluations.exportTable([created.id], { format: 'json' }).content) as { configurationId: string; GSM8K: { mean: number } }[]
    expect(json.map((row) => row.configurationId)).toEqual([...builtInConfigurationIds])
    json.forEach((row, index) => expect(row.GSM8K.mean).toBe(results.configurations[index]!.accuracy.mean))
    expect(workbench.evaluations.exportTable([created.id], { format: 'markdown', table: 'pipeline' }).content).toContain('| G + V + R |')
    const lines = [...workbench.evaluations.exportItemLines(created.id, { configurationIds: ['malt', 'debate'], includePrompts: true })].map(
      (line) => JSON.parse(line) as { configurationId: string; passes: { units: { text: string; prompt: unknown[] }[] }[] }
    )
    expect(lines).toHaveLength(4)
    expect(lines[0]!.passes).toHaveLength(3)
    expect(lines[2]!.passes[0]!.units).toHaveLength(9)
    expect(lines[0]!.passes[0]!.units[0]!.prompt.length).toBeGreaterThan(0)

    const verifiers = workbench.evaluations.verifierComparison(created.id, { trained: 'malt', untrained: 'untrained_v', pass: 0, onlyDisagreements: false, offset: 0, limit: 10 })
    expect(verifiers.total).toBe(2)
    for (const item of verifiers.items) {
      expect(item.generation?.text).toEqual(expect.any(String))
      expect(item.trained.verification?.key).not.toBe(item.untrained.verification?.key)
    }
  })

  it('resumes a `malt eval` killed with SIGKILL to exactly the planned units, regenerating none', async () => {
    const args = ['eval', '--db', databasePath, '--model', tinyModelPath(), '--benchmark', 'gsm8k', '--configs', 'sa,ma_mv,malt']
    args.push('--adapters', `generator=${lora.a},verifier=${lora.b},refiner=${lora.a}`, '--subset', '2', '--seeds', '0,1', '--max-tokens', '8', '--concurrency', '2')
    const previous = workbench.evaluations.list()[0]?.id ?? 0
    const first = spawnMalt(args)
    // Kill it once it has stored some units (the other process's commits are visible through our connection).
    const count = () => (workbench.store.db.prepare('SELECT count(*) AS n FROM eval_outputs WHERE evaluation_id > ?').get(previous) as { n: number }).n
    const deadline = Date.now() + 120_000
    while (count() < 12) {
      if (first.child.exitCode !== null || Date.now() > deadline) throw new Error(`malt eval ended or stalled before it was killed:\n${first.output()}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    // The whole process group: tsx runs the CLI in a child process of its own.
    process.kill(-first.child.pid!, 'SIGKILL')
    expect((await first.exited).signal).toBe('SIGKILL')
    const evaluationId = workbench.evaluations.list()[0]!.id
    const killed = workbench.evaluations.view(evaluationId)
    expect(killed.storedUnits).toBeLessThan(killed.unitCount)
    expect(['running', 'interrupted']).toContain(killed.status)
    const before = rows(evaluationId)

    const out = join(temp.dir, 'results.json')
    const resumed = spawnMalt(['eval', '--db', databasePath, '--resume', String(evaluationId), '--out', out])
    expect((await resumed.exited).code, resumed.output()).toBe(0)
    const after = rows(evaluationId)
    expect(after).toHaveLength(killed.unitCount)
    expect(after.slice(0, before.length)).toEqual(before)
    expect(new Set(after.map((r) => `${r.seed}:${r.question_id}:${r.work_key}`)).size).toBe(after.length)

    // stdout: the paper's table; results.json: per configuration the per-seed accuracies, mean and std.
    expect(resumed.stdout()).toContain('| Configuration | GSM8K |')
    expect(resumed.stdout()).toMatch(/\| MALT \| \d+\.\d\d ± \d+\.\d\d \|/)
    const file = JSON.parse(readFileSync(out, 'utf8')) as {
      evaluationId: number
      complete: boolean
      seeds: number[]
      units: { planned: number; stored: number }
      configurations: { id: string; perSeed: { seed: number; accuracy: number }[]; accuracies: number[]; mean: number; std: number; n: number }[]
      table: string
    }
    expect(file).toMatchObject({ evaluationId, complete: true, seeds: [0, 1], units: { planned: killed.unitCount, stored: killed.unitCount } })
    expect(file.configurations.map((c) => c.id)).toEqual(['sa', 'ma_mv', 'malt'])
    for (const configuration of file.configurations) {
      expect(configuration.perSeed.map((s) => s.seed)).toEqual([0, 1])
      expect(configuration.accuracies).toHaveLength(2)
      expect(configuration).toMatchObject({ mean: expect.any(Number), std: expect.any(Number), n: 2 })
    }
    expect(file.table).toContain('| MA+MV |')

    const list = captureIo()
    expect(await runCli(['evals', '--db', databasePath], list)).toBe(0)
    expect(list.outText().split('\n')[0]).toMatch(new RegExp(`^${evaluationId}\\tcompleted\\t4/4 items\\t${killed.unitCount}/${killed.unitCount} units\\tsa,ma_mv,malt\\t`))
    const help = captureIo()
    await runCli(['eval', '--help'], help)
    expect(help.outText()).toMatch(/--adapters <role=id,…>[\s\S]*--resume <evalId>[\s\S]*results\.json/)
  })
})
