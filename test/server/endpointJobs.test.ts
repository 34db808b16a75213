import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Workbench } from '../../src/main/app/Workbench'
import { nodesPerQuestion } from '../../src/main/domain/search/treeShape'
import type { WorkbenchEvent } from '../../src/shared/api/events'
import type { PlaygroundRunInput } from '../../src/shared/api/schemas/playground'
import { AppError } from '../../src/shared/errors'
import { startLlamaServer, type RunningLlamaServer } from '../support/llamaServer'
import { tinyLoraPath, tinyModelPath } from '../support/models'
import { makeTempDir, sharedDataFile } from '../support/paths'
import { registerAdapter } from '../support/registerAdapter'
import { writeTinyLora } from '../support/tinyLora'

/**
 * Tree search, evaluation and the playground, unchanged, with the model `endpoint:tiny`: a real llama-server on the tiny
 * model with one LoRA per role (ids 0, 1, 2), switched per request through llama-server's `lora` field.
 */

const temp = makeTempDir('malt-endpoint-jobs-')
let server: RunningLlamaServer
let workbench: Workbench
let trainId: number
let testId: number
const adapterIds = { generator: 0, verifier: 0, refiner: 0 }
const events: WorkbenchEvent[] = []

function importLines(split: 'train' | 'test', count: number): string {
  const lines = readFileSync(sharedDataFile(`gsm8k/${split}.jsonl`), 'utf8').split('\n').filter((line) => line.trim())
  mkdirSync(join(temp.dir, split, 'gsm8k'), { recursive: true })
  const file = join(temp.dir, split, 'gsm8k', `${split}.jsonl`)
  writeFileSync(file, lines.slice(0, count).join('\n') + '\n')
  return file
}

beforeAll(async () => {
  const third = join(temp.dir, 'tiny-lora-c.gguf')
  writeTinyLora(third, 7)
  server = await startLlamaServer({ model: tinyModelPath(), loras: [tinyLoraPath('a'), tinyLoraPath('b'), third], parallel: 4 })
  workbench = Workbench.open({ databasePath: join(temp.dir, 'w.sqlite'), dataFolder: null, transport: 'cli' })
  workbench.endpoints.add({
    name: 'tiny',
    baseUrl: server.baseUrl,
    servedModel: 'tiny',
    loraStyle: 'llama-server',
    roleAdapters: { generator: '0', verifier: '1', refiner: '2' },
    maxInFlight: 8,
    maxRetries: 2
  })
  trainId = (await workbench.datasets.importFile(importLines('train', 2), { name: 'gsm8k-train', format: 'gsm8k' })).datasetId
  testId = (await workbench.datasets.importFile(importLines('test', 2), { name: 'gsm8k-test', format: 'gsm8k' })).datasetId
  // The files do not matter to an endpoint (the server holds the weights); the roles that carry an adapter do.
  for (const [role, file] of [['generator', tinyLoraPath('a')], ['verifier', tinyLoraPath('b')], ['refiner', third]] as const) {
    adapterIds[role] = registerAdapter(workbench, { name: `tiny ${role}`, role, stage: 'dpo', baseModelPath: tinyModelPath(), ggufPath: file, peftDir: null, trainingJobId: null, runId: null }).id
  }
  workbench.events.subscribe((event) => events.push(event))
})

afterAll(async () => {
  await workbench?.dispose()
  await server?.stop()
  temp.cleanup()
})

describe('jobs on an inference endpoint', () => {
  it('a tree search stores exactly n + n² + n³ nodes per question, with token counts from usage', async () => {
    const branching = 2
    const run = workbench.runs.create({
      datasetId: trainId,
      split: 'train',
      limit: null,
      branching,
      seed: 3,
      sampling: { temperature: 0.3, topP: 1, maxTokens: 24 },
      modelPath: 'endpoint:tiny',
      start: false
    })
    await workbench.runs.start(run.id).done
    const summary = workbench.runs.summary(run.id)
    expect(summary.status).toBe('completed')
    expect(summary.modelPath).toBe('endpoint:tiny')
    const rows = workbench.store.db
      .prepare('SELECT question_id, path, prompt_tokens, completion_tokens, stop_reason FROM tree_nodes WHERE run_id = ?')
      .all(run.id) as { question_id: number; path: string; prompt_tokens: number; completion_tokens: number; stop_reason: string }[]
    expect(rows).toHaveLength(2 * nodesPerQuestion(branching))
    expect(new Set(rows.map((row) => `${row.question_id}/${row.path}`)).size).toBe(rows.length)
    for (const row of rows) {
      expect(row.prompt_tokens).toBeGreaterThan(20)
      expect(row.completion_tokens).toBeGreaterThan(0)
      expect(row.completion_tokens).toBeLessThanOrEqual(24)
      expect(['eos', 'maxTokens']).toContain(row.stop_reason)
    }
  })

  it('an evaluation runs each role on its endpoint adapter, and refuses two adapters for one role', async () => {
    const created = workbench.evaluations.create({
      datasetId: testId,
      split: 'test',
      configurations: ['sa', 'ma', 'malt_nomv'],
      adapterSets: { malt: adapterIds },
      seeds: [0],
      subsetSize: 2,
      sampling: { temperature: 0, topP: 1, maxTokens: 16 },
      modelPath: 'endpoint:tiny',
      start: false
    })
    await workbench.evaluations.start(created.id).done
    expect(workbench.evaluations.get(created.id).status).toBe('completed')

    const units = (configurationId: string) =>
      workbench.evaluations.items(created.id, configurationId, { outcome: 'all', offset: 0, limit: 10 }).items.flatMap((item) => item.passes.flatMap((pass) => pass.units))
    const ma = units('ma')
    const malt = units('malt_nomv')
    expect(ma.map((unit) => unit.role)).toEqual(['generator', 'verifier', 'refiner', 'generator', 'verifier', 'refiner'])
    expect(malt.every((unit) => unit.adapter !== 'base')).toBe(true)
    // Greedy, same prompts: the base generator and the generator on LoRA 0 must differ on every question.
    const generations = (list: typeof ma) => list.filter((unit) => unit.role === 'generator').map((unit) => unit.text)
    generations(malt).forEach((text, index) => expect(text).not.toBe(generations(ma)[index]))
    for (const unit of [...ma, ...malt]) expect(unit.completionTokens).toBeGreaterThan(0)

    const otherFile = join(temp.dir, 'tiny-lora-d.gguf')
    writeTinyLora(otherFile, 9)
    const second = registerAdapter(workbench, {
      name: 'another verifier',
      role: 'verifier',
      stage: 'sft',
      baseModelPath: tinyModelPath(),
      ggufPath: otherFile,
      peftDir: null,
      trainingJobId: null,
      runId: null
    }).id
    const refused = (() => {
      try {
        workbench.evaluations.create({
          datasetId: testId,
          configurations: ['malt_nomv', 'star_ma'],
          adapterSets: { malt: adapterIds, star: { ...adapterIds, verifier: second } },
          seeds: [0],
          subsetSize: 1,
          modelPath: 'endpoint:tiny',
          start: false
        })
      } catch (error) {
        return error as AppError
      }
    })()
    expect(refused).toBeInstanceOf(AppError)
    expect(refused!.message).toContain(`endpoint:tiny serves one verifier adapter, but these configurations give the verifier adapters ${adapterIds.verifier} and ${second}`)
  })

  it('an evaluation whose server cannot be reached pauses naming it, and resumes once the endpoint points at a live one', async () => {
    workbench.endpoints.add({ name: 'moving', baseUrl: 'http://127.0.0.1:65535/v1', servedModel: 'tiny', loraStyle: 'llama-server', maxRetries: 1 })
    const created = workbench.evaluations.create({
      datasetId: testId,
      configurations: ['ma'],
      seeds: [0],
      subsetSize: 2,
      sampling: { temperature: 0, topP: 1, maxTokens: 8 },
      modelPath: 'endpoint:moving',
      start: false
    })
    await workbench.evaluations.start(created.id).done
    const paused = workbench.evaluations.get(created.id)
    expect(paused.status).toBe('paused')
    expect(paused.error).toContain("endpoint 'moving' (http://127.0.0.1:65535/v1) did not answer after 2 attempt(s): connect ECONNREFUSED")

    workbench.endpoints.add({ name: 'moving', baseUrl: server.baseUrl, servedModel: 'tiny', loraStyle: 'llama-server', maxRetries: 1 })
    await workbench.evaluations.start(created.id).done
    expect(workbench.evaluations.get(created.id).status).toBe('completed')
  })

  it('the playground streams G → V → R and compares verifiers through the endpoint', async () => {
    const templates: PlaygroundRunInput['templates'] = {
      generator: { system: 'You solve math problems.', user: 'Question: {{question}}' },
      verifier: { system: 'You check solutions.', user: 'Question: {{question}}\nAnswer: {{generation}}\nIs it right?' },
      refiner: { system: 'You refine solutions.', user: 'Question: {{question}}\nAnswer: {{generation}}\nFeedback: {{verification}}' }
    }
    const { sessionId, done } = workbench.playground.run({
      benchmark: 'gsm8k',
      question: { text: 'What is 2 + 3?', gold: '5' },
      templates,
      sampling: { temperature: 0, topP: 1, maxTokens: 12 },
      seed: 7,
      modelPath: 'endpoint:tiny',
      compareVerifier: { adapterId: adapterIds.verifier }
    })
    expect(await done).toBe('completed')
    const [session] = workbench.playground.list(1)
    const main = session!.results.filter((result) => result.lane === 'main')
    expect(main.map((result) => result.stage)).toEqual(['generator', 'verifier', 'refiner'])
    for (const result of main) {
      const streamed = events
        .filter((event): event is Extract<WorkbenchEvent, { type: 'playground.delta' }> => event.type === 'playground.delta' && event.sessionId === sessionId && event.lane === 'main' && event.stage === result.stage)
        .map((event) => event.delta)
        .join('')
      expect(streamed).toBe(result.text)
      expect(result.text.length).toBeGreaterThan(0)
    }
    // The untrained verifier (base) and the adapted one (LoRA 1) read the same generation and answer differently.
    const verifier = (lane: string) => session!.results.find((result) => result.lane === lane && result.stage === 'verifier')!.text
    expect(session!.results.filter((result) => result.lane === 'compare').map((result) => result.stage).sort()).toEqual(['refiner', 'verifier'])
    expect(verifier('compare')).not.toBe(verifier('main'))
  })
})
