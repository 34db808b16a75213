import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { Workbench } from '../../../src/main/app/Workbench'
import { WorkbenchServer } from '../../../src/main/serve/WorkbenchServer'
import type { WorkbenchEvent } from '../../../src/shared/api/events'
import { workbenchEventSchema } from '../../../src/shared/api/events'
import { getProcedure } from '../../../src/shared/api/procedure'
import { workbenchApiSpec, workbenchMethodIds } from '../../../src/shared/api/workbenchApi'
import type { WorkbenchMethodId } from '../../../src/shared/api/workbenchApi'
import { tinyModelPath } from '../../support/models'
import { seedRun } from '../../support/seedRun'
import { makeTempDir, sharedDataDir, sharedDataFile } from '../../support/paths'

const tinyModel = tinyModelPath()

/**
 * The API contract over the serve-mode transport: every method of the contract answers over HTTP with output that
 * matches its schema. The sample table must name every method, so a method added to the contract without being
 * exercised here fails this test.
 */
const samples: Record<WorkbenchMethodId, unknown> = {
  'app.info': undefined,
  'datasets.list': undefined,
  'datasets.import': {
    name: 'gsm8k',
    format: 'gsm8k',
    source: { kind: 'upload', fileName: 'test.jsonl', contentBase64: readFileSync(sharedDataFile('gsm8k/test.jsonl')).toString('base64') }
  },
  'datasets.questions': { datasetId: 1, offset: 0, limit: 5 },
  'datasets.dataFolder': undefined,
  // Dataset 3 (CommonsenseQA), imported just before this call, is used by no run or evaluation.
  'datasets.remove': { datasetId: 3 },
  // An endpoint where nothing listens: the check answers with the refused connection as its problem.
  'endpoints.list': undefined,
  'endpoints.add': { name: 'nowhere', baseUrl: 'http://127.0.0.1:65535/v1', servedModel: 'tiny', loraStyle: 'llama-server', roleAdapters: { verifier: '0' } },
  'endpoints.check': { name: 'nowhere' },
  'endpoints.use': { name: 'nowhere' },
  'endpoints.remove': { name: 'nowhere' },
  'jobs.list': undefined,
  'jobs.cancel': { jobId: 'none-1' },
  'prompts.list': { benchmark: 'gsm8k' },
  'prompts.save': { benchmark: 'gsm8k', role: 'verifier', system: 'Check it.', user: 'Q: {{question}}\nA: {{generation}}' },
  'prompts.validate': { benchmark: 'gsm8k', role: 'refiner', system: '', user: '{{question}} {{oops}}' },
  // A real one-question run (n = 1, 3 nodes) on the tiny random model; created paused, resumed, then read back.
  'runs.create': { datasetId: 1, split: 'test', limit: 1, branching: 1, sampling: { temperature: 0.3, topP: 1, maxTokens: 4 }, modelPath: tinyModel, start: false },
  'runs.resume': { runId: 1 },
  'runs.pause': { runId: 1 },
  'runs.list': undefined,
  'runs.get': { runId: 1 },
  'runs.questions': { runId: 1, filter: 'all' },
  'runs.tree': { runId: 1, questionId: 1 },
  'runs.node': { nodeId: 1 },
  'runs.analysis': { runId: 1 },
  'runs.exportData': { runId: 1, what: 'dpo', role: 'refiner' },
  // A real one-item evaluation (math500, 1 seed × 1 question, G → V → R: 3 units) on the tiny model, with a preset
  // and a hand-written configuration; created paused, resumed, read back, removed at the end.
  'evaluations.configurations': { ids: ['malt', 'sa'] },
  'evaluations.create': {
    datasetId: 1,
    split: 'test',
    configurations: ['sa', { id: 'gv_base', label: 'G + V (base)', pipeline: 'GV', adapters: { generator: 'base', verifier: 'base', refiner: 'base' }, votes: 1, answerFrom: 'verifier' }, 'ma'],
    seeds: 1,
    subsetSize: 1,
    sampling: { temperature: 0.3, topP: 1, maxTokens: 4 },
    modelPath: tinyModel,
    start: false
  },
  'evaluations.resume': { evaluationId: 1 },
  'evaluations.pause': { evaluationId: 1 },
  'evaluations.list': undefined,
  'evaluations.get': { evaluationId: 1 },
  'evaluations.results': { evaluationId: 1, recompute: true },
  'evaluations.items': { evaluationId: 1, configurationId: 'ma' },
  'evaluations.compare': { evaluationA: 1, evaluationB: 1, pairs: [['sa', 'ma']] },
  'evaluations.exportTable': { evaluationIds: [1], format: 'csv' },
  'evaluations.exportItems': { evaluationId: 1 },
  'evaluations.verifierComparison': { evaluationId: 1, trained: 'ma', untrained: 'ma' },
  'evaluations.remove': { evaluationId: 1 },
  'models.add': { path: tinyModel },
  'models.list': undefined,
  'models.setDefault': { id: 1 },
  'models.backend': undefined,
  'models.gpuStatus': undefined,
  'models.engineSettings': undefined,
  'models.saveEngineSettings': { gpu: false, maxThreads: 1, gpuLayers: 0, sequencesPerRole: 4, contextSize: 1024 },
  // Nothing can be downloaded here: the job starts, and fails or is cancelled on close; the call itself answers at once.
  'models.download': { uri: 'hf:malt-workbench/does-not-exist:Q4_K_M' },
  'models.remove': { id: 1 },
  'playground.run': {
    benchmark: 'gsm8k',
    question: { text: 'What is 2 + 3?', gold: '5' },
    templates: {
      generator: { system: 'Solve it.', user: '{{question}}' },
      verifier: { system: 'Check it.', user: '{{question}}\n{{generation}}' },
      refiner: { system: 'Fix it.', user: '{{question}}\n{{generation}}\n{{verification}}' }
    },
    sampling: { temperature: 0.3, topP: 1, maxTokens: 4 },
    modelPath: tinyModel
  },
  'playground.cancel': { sessionId: 'pg-none' },
  'playground.history': { limit: 5 },
  'playground.adapters': undefined,
  'training.environment': { refresh: true },
  'training.setup': { checkOnly: true },
  'training.jobs': undefined,
  'training.plans': undefined,
  // Run 1 (tiny model, 3 nodes) has no correct output, so every STaR step is held as skipped: nothing trains.
  'training.enqueuePreset': { runId: 1, preset: 'star', continueOnFailure: true, start: false },
  // Run 2 is a seeded GSM8K run with labelled outputs (test/support/seedRun.ts), seeded just before this call.
  'training.enqueue': { runId: 2, role: 'generator', stage: 'sft', options: { baseModelPath: tinyModel, maxSteps: 1 }, start: false },
  'training.get': { jobId: 4 },
  'training.metrics': { jobId: 4 },
  'training.start': { planId: 1 },
  'training.cancel': { planId: 1 },
  'training.adapters': { role: 'verifier' }
}
const first: WorkbenchMethodId[] = ['datasets.import', 'models.add', 'runs.create', 'runs.resume', 'evaluations.create', 'evaluations.resume', 'training.enqueuePreset', 'training.enqueue']
const last: WorkbenchMethodId[] = ['evaluations.remove', 'datasets.remove', 'models.remove']
const order: WorkbenchMethodId[] = [...first, ...workbenchMethodIds.filter((id) => !first.includes(id) && !last.includes(id)), ...last]

describe('serve mode', () => {
  let temp: ReturnType<typeof makeTempDir>
  let workbench: Workbench
  let server: WorkbenchServer
  let base: string

  beforeAll(async () => {
    temp = makeTempDir()
    const rendererDir = join(temp.dir, 'renderer')
    mkdirSync(join(rendererDir, 'assets'), { recursive: true })
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>MALT Workbench</title>')
    writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)')
    workbench = Workbench.open({ databasePath: join(temp.dir, 'w.sqlite'), dataFolder: sharedDataDir(), transport: 'serve' })
    server = await WorkbenchServer.start(workbench, { port: 0, rendererDir })
    base = `http://127.0.0.1:${server.port}`
  })
  afterAll(async () => {
    await server.close()
    await workbench.dispose()
    temp.cleanup()
  })

  const call = async (method: string, input: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${base}/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: input === undefined ? '' : JSON.stringify(input)
    })
    return { status: response.status, body: (await response.json()) as { ok: boolean; result?: unknown; error?: { code: string; message: string; location?: unknown } } }
  }

  it('the sample table covers every method of the contract', () => {
    expect(Object.keys(samples).sort()).toEqual([...workbenchMethodIds].sort())
  })

  it('every method answers over HTTP with output matching its schema', async () => {
    expect((await call('datasets.import', { name: 'math500', format: 'math', source: { kind: 'dataFolder', relativePath: 'math/math500_test.jsonl' } })).status).toBe(200)
    for (const method of order) {
      if (method === 'runs.pause') await workbench.runs.whenIdle(1)
      if (method === 'evaluations.pause') await workbench.evaluations.whenIdle(1)
      if (method === 'datasets.remove') {
        const csqa = await call('datasets.import', { name: 'csqa', format: 'csqa', source: { kind: 'dataFolder', relativePath: 'csqa/dev_rand_split.jsonl' } })
        expect((csqa.body.result as { datasetId: number }).datasetId).toBe(3)
      }
      if (method === 'training.enqueue') {
        const seeded = await seedRun({ databasePath: join(temp.dir, 'w.sqlite'), limit: 2, branching: 2 })
        expect(seeded.runId).toBe(2)
      }
      const { status, body } = await call(method, samples[method])
      expect(body.error, method).toBeUndefined()
      expect(status, method).toBe(200)
      const parsed = getProcedure(workbenchApiSpec, method)!.output.safeParse(body.result)
      expect(parsed.success, `${method}: ${parsed.success ? '' : parsed.error.message}`).toBe(true)
    }
    const run = (await call('runs.get', { runId: 1 })).body.result as { status: string; nodeCount: number }
    expect(run).toMatchObject({ status: 'completed', nodeCount: 3 })
    expect((await call('datasets.list', undefined)).body.result).toHaveLength(2)
    const info = await call('app.info', undefined)
    expect(info.body.result).toMatchObject({ transport: 'serve', schemaVersion: expect.any(Number) })
  })

  it('refuses a payload of the wrong shape with the field named, before any service runs', async () => {
    const { status, body } = await call('datasets.questions', { datasetId: 'one', offset: 0, limit: 5 })
    expect(status).toBe(400)
    expect(body.error).toMatchObject({ code: 'invalid_input', location: { field: 'datasetId' } })
    const bad = await call('datasets.import', { name: 'x', format: 'gsm8k', source: { kind: 'path', path: '/etc/passwd' } })
    expect(bad.status).toBe(400)
    expect(bad.body.error?.code).toBe('invalid_input')
    const unknown = await call('datasets.drop', {})
    expect(unknown.status).toBe(404)
  })

  it('carries service errors with their code and location', async () => {
    const content = Buffer.from(`${JSON.stringify({ question: 'q', answer: '#### 1' })}\n{"question": 2}\n`).toString('base64')
    const { status, body } = await call('datasets.import', { name: 'bad', format: 'gsm8k', source: { kind: 'upload', fileName: 'bad.jsonl', contentBase64: content } })
    expect(status).toBe(400)
    expect(body.error).toMatchObject({ code: 'bad_file', location: { file: 'bad.jsonl', line: 2, field: 'question' } })
  })

  it('streams events over the WebSocket', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/events`)
    const events: WorkbenchEvent[] = []
    socket.on('message', (data) => events.push(workbenchEventSchema.parse(JSON.parse(String(data)))))
    await new Promise((resolve, reject) => {
      socket.once('open', resolve)
      socket.once('error', reject)
    })
    await call('datasets.import', { name: 'csqa', format: 'csqa', source: { kind: 'dataFolder', relativePath: 'csqa/dev_rand_split.jsonl' } })
    await expect.poll(() => events.some((event) => event.type === 'store.changed' && event.collection === 'datasets')).toBe(true)
    socket.close()
  })

  it('serves the renderer with a strict CSP and falls back to the app shell for routes', async () => {
    const page = await fetch(`${base}/runs/3`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('MALT Workbench')
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'")
    const asset = await fetch(`${base}/assets/app.js`)
    expect(asset.headers.get('content-type')).toContain('text/javascript')
    const escape = await fetch(`${base}/..%2f..%2fw.sqlite`)
    expect(await escape.text()).not.toContain('SQLite format')
  })

  it('refuses requests from other origins, non-JSON posts and foreign host names', async () => {
    expect((await call('datasets.list', undefined, { Origin: 'https://evil.example' })).status).toBe(401)
    const form = await fetch(`${base}/api/datasets.list`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '' })
    expect(form.status).toBe(400)
    // fetch() cannot forge a Host header; a DNS-rebinding page would arrive with its own domain name in it.
    const rebound = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: server.port, path: '/api/datasets.list', method: 'POST', headers: { Host: 'rebound.example', 'Content-Type': 'application/json' } },
        (response) => {
          response.resume()
          resolve(response.statusCode ?? 0)
        }
      )
      req.on('error', reject)
      req.end()
    })
    expect(rebound).toBe(401)
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/events`, { headers: { Origin: 'https://evil.example' } })
    const refused = await new Promise<boolean>((resolve) => {
      socket.once('open', () => resolve(false))
      socket.once('error', () => resolve(true))
      socket.once('unexpected-response', () => resolve(true))
    })
    expect(refused).toBe(true)
  })
})

describe('serve mode beyond loopback', () => {
  it('refuses to bind to a network address without a token', async () => {
    const temp = makeTempDir()
    mkdirSync(join(temp.dir, 'r'))
    writeFileSync(join(temp.dir, 'r', 'index.html'), '<!doctype html>')
    const workbench = Workbench.open({ databasePath: join(temp.dir, 'w.sqlite'), dataFolder: null, transport: 'serve' })
    try {
      await expect(WorkbenchServer.start(workbench, { host: '0.0.0.0', port: 0, rendererDir: join(temp.dir, 'r') })).rejects.toMatchObject({
        code: 'invalid_input',
        message: expect.stringMatching(/token/)
      })
      const server = await WorkbenchServer.start(workbench, { host: '0.0.0.0', port: 0, rendererDir: join(temp.dir, 'r'), token: 's3cret' })
      const url = `http://127.0.0.1:${server.port}/api/datasets.list`
      const post = (headers: Record<string, string>) => fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: '' })
      expect((await post({})).status).toBe(401)
      expect((await post({ Authorization: 'Bearer wrong!' })).status).toBe(401)
      expect((await post({ Authorization: 'Bearer s3cret' })).status).toBe(200)
      expect(server.url).toContain('?token=s3cret')
      await server.close()
    } finally {
      await workbench.dispose()
      temp.cleanup()
    }
  })
})
