import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TrainingJobView, TrainingOptionsInput, TrainingPlanView } from '@shared/api/schemas/training'
import { LlamaAgentRuntime } from '../../src/main/adapters/llm/LlamaAgentRuntime'
import { LlamaEngine } from '../../src/main/adapters/llm/LlamaEngine'
import { PythonRunner } from '../../src/main/adapters/python/PythonRunner'
import { dispatchCall } from '../../src/main/api/dispatchCall'
import { Workbench } from '../../src/main/app/Workbench'
import { tinyModelPath } from '../support/models'
import { makeTempDir, repoRoot, sharedDataDir } from '../support/paths'
import { seedRun } from '../support/seedRun'
import { runnerPython } from './spawnRunner'

/**
 * The training feature end to end on the CPU: a Workbench on a real SQLite file, a generation run with labelled
 * outputs (seedRun's scripted model), the real Python runner training LoRAs on the tiny GGUF, and node-llama-cpp
 * loading what it wrote. Run with `npx vitest run --project runner test/runner/TrainingService.test.ts`.
 */

/** Small and quick: 2 optimizer steps of 2 short examples each. */
const quick = (overrides: Partial<TrainingOptionsInput> = {}): TrainingOptionsInput => ({
  baseModelPath: tinyModelPath(),
  maxSteps: 2,
  batchSize: 2,
  maxLength: 512,
  rank: 4,
  alpha: 8,
  gradientCheckpointing: false,
  device: 'cpu',
  ...overrides
})

let temp: ReturnType<typeof makeTempDir>
let databasePath: string
let runId: number
let workbench: Workbench

function open(): Workbench {
  return Workbench.open({
    databasePath,
    dataFolder: sharedDataDir(),
    transport: 'cli',
    training: { heartbeatMs: 500, staleAfterMs: 10_000, waitPollMs: 200 }
  })
}

/** Every call goes through the validated API, as IPC, serve mode and the CLI do. */
function call<T>(method: string, input?: unknown): Promise<T> {
  return dispatchCall(workbench.handlers, method, input) as Promise<T>
}

async function waitForJob(jobId: number, timeoutMs = 300_000): Promise<TrainingJobView> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const view = workbench.training.view(jobId)
    if (['completed', 'failed', 'cancelled', 'skipped'].includes(view.status)) return view
    if (Date.now() > deadline) throw new Error(`training job ${jobId} still ${view.status} after ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

/** Resolves at the first metrics event of a job (it is then training, past loading). */
function firstMetricsOf(jobId: number): Promise<void> {
  return new Promise((resolve) => {
    const unsubscribe = workbench.events.subscribe((event) => {
      if (event.type === 'training.metrics' && event.jobId === jobId) {
        unsubscribe()
        resolve()
      }
    })
  })
}

beforeAll(async () => {
  runnerPython() // fails loudly when the venv is missing
  temp = makeTempDir('malt-training-')
  databasePath = join(temp.dir, 'workbench.sqlite')
  ;({ runId } = await seedRun({ databasePath, limit: 8, branching: 3 }))
  workbench = open()
})

afterAll(async () => {
  await workbench?.dispose()
  temp?.cleanup()
})

describe('TrainingService with the real runner', () => {
  let sftAdapterPath: string

  it('trains a generator SFT job: metrics by step that survive reopening, a registered GGUF adapter', async () => {
    const liveSteps: number[] = []
    const unsubscribe = workbench.events.subscribe((event) => {
      if (event.type === 'training.metrics') liveSteps.push(event.step)
    })
    const queued = await call<TrainingJobView>('training.enqueue', { runId, role: 'generator', stage: 'sft', options: quick() })
    expect(queued.status).toMatch(/queued|running/)
    expect(queued.trainExamples).toBeGreaterThan(0)
    const done = await waitForJob(queued.id)
    unsubscribe()
    const detail = workbench.training.get(queued.id)
    expect(done.status, `${done.error}\n${detail.logTail}`).toBe('completed')
    expect(done.step).toBe(2)
    expect(done.totalSteps).toBe(2)
    expect(done.result).toMatchObject({ steps: 2 })
    expect(done.result!.tokensPerSecond).toBeGreaterThan(0)
    expect(done.started).toMatchObject({ device: 'cpu', loraRank: 4 })
    // What the runner did with the data and how it ran the batch are part of the job.
    expect(done.data).toMatchObject({ examples: done.trainExamples, dropped: 0, evalExamples: 0 })
    expect(done.plan).toMatchObject({ gradientCheckpointing: false, paddingFree: false, attention: 'sdpa', worldSize: 1 })
    expect(done.plan!.microBatchSize * done.plan!.gradientAccumulationSteps).toBe(done.plan!.effectiveBatchSize)
    expect(liveSteps).toEqual([1, 2])

    const metrics = workbench.training.metrics(queued.id)
    expect(metrics.points.map((point) => point.step)).toEqual([1, 2])
    expect(metrics.names).toContain('loss')
    for (const point of metrics.points) expect(point.values.loss).toEqual(expect.any(Number))

    expect(detail.adapter).not.toBeNull()
    expect(detail.adapter!.exists).toBe(true)
    expect(existsSync(detail.adapter!.ggufPath)).toBe(true)
    expect(detail.logTail).toContain('workbench: starting')
    sftAdapterPath = detail.adapter!.ggufPath
    const adapters = await call<{ role: string; ggufPath: string }[]>('training.adapters', { role: 'generator' })
    expect(adapters.map((adapter) => adapter.ggufPath)).toContain(sftAdapterPath)

    // The metrics and the adapter are in the store, not in this process.
    await workbench.dispose()
    workbench = open()
    expect(workbench.training.metrics(queued.id)).toEqual(metrics)
    expect(workbench.training.view(queued.id)).toMatchObject({ status: 'completed', adapterId: detail.adapter!.id })
  })

  it('the trained adapter loads in node-llama-cpp on the base model and the agents generate with it', async () => {
    const engine = await LlamaEngine.create({ gpu: false, maxThreads: 1 })
    try {
      const model = await engine.loadModel({ modelPath: tinyModelPath() })
      const runtime = await LlamaAgentRuntime.create({
        model,
        sequencesPerRole: 1,
        contextSize: 256,
        adapters: { generator: { filePath: sftAdapterPath } }
      })
      try {
        const [result] = await runtime.generate({
          role: 'generator',
          messages: [{ role: 'user', content: 'What is 2 + 3?' }],
          seeds: [1],
          sampling: { temperature: 0, topP: 1, maxTokens: 4 }
        })
        expect(result!.completionTokens).toBeGreaterThan(0)
      } finally {
        await runtime.dispose()
      }
    } finally {
      await engine.dispose()
    }
  })

  it('a DPO job starts from the role’s SFT adapter and logs the reward metrics', async () => {
    const sft = await call<TrainingJobView>('training.enqueue', { runId, role: 'verifier', stage: 'sft', options: quick() })
    // Queued while the SFT job is still pending: it waits for it and starts from its adapter.
    const dpo = await call<TrainingJobView>('training.enqueue', { runId, role: 'verifier', stage: 'dpo', options: quick({ rank: undefined, alpha: undefined }) })
    expect(dpo.dependsOnJobId).toBe(sft.id)
    expect((await waitForJob(sft.id)).status).toBe('completed')
    const done = await waitForJob(dpo.id)
    const detail = workbench.training.get(dpo.id)
    expect(done.status, `${done.error}\n${detail.logTail}`).toBe('completed')
    const sftAdapter = workbench.training.get(sft.id).adapter!
    expect(detail.config.init_adapter).toBe(sftAdapter.peftDir)
    const metrics = workbench.training.metrics(dpo.id)
    expect(metrics.points.map((point) => point.step)).toEqual([1, 2])
    for (const name of ['loss', 'rewards/chosen', 'rewards/rejected', 'rewards/margins', 'rewards/accuracies']) expect(metrics.names).toContain(name)
    expect(detail.adapter).toMatchObject({ role: 'verifier', stage: 'dpo', exists: true })
  })

  it('runs the MALT preset as one plan that goes on past a failed step, skipping only the DPO step that needed it', async () => {
    const plan = await call<TrainingPlanView>('training.enqueuePreset', {
      runId,
      preset: 'malt',
      options: quick({ maxSteps: 1 }),
      continueOnFailure: true,
      start: false
    })
    expect(plan.status).toBe('created')
    expect(plan.jobs.map((job) => `${job.role}/${job.stage}`)).toEqual(['generator/sft', 'verifier/sft', 'verifier/dpo', 'refiner/sft', 'refiner/dpo'])
    // Break the verifier's SFT step: its training file is gone by the time it runs.
    rmSync(workbench.training.get(plan.jobs[1]!.id).trainFile!)
    expect(await call('training.start', { planId: plan.id })).toEqual({ queued: 5 })
    for (const job of plan.jobs) await waitForJob(job.id)

    const [view] = (await call<TrainingPlanView[]>('training.plans')).filter((candidate) => candidate.id === plan.id)
    const detail = (index: number) => workbench.training.get(view!.jobs[index]!.id)
    expect(view!.jobs.map((job) => job.status), view!.jobs.map((job) => `${job.id}: ${job.error}`).join('\n')).toEqual([
      'completed',
      'failed',
      'skipped',
      'completed',
      'completed'
    ])
    expect(view!.jobs[1]!.error).toMatch(/train_file|training data|no such file/i)
    expect(view!.jobs[2]!.error).toContain(`its SFT step (job ${view!.jobs[1]!.id}) failed`)
    expect(view!.status).toBe('failed')
    // The refiner's DPO step started from the refiner's SFT step of this plan.
    expect(detail(4).config.init_adapter).toBe(detail(3).adapter!.peftDir)
    expect(detail(4).adapter).toMatchObject({ role: 'refiner', stage: 'dpo', exists: true })
  })

  it('cancels a running job: it ends as cancelled, and can be started again', async () => {
    const queued = await call<TrainingJobView>('training.enqueue', { runId, role: 'refiner', stage: 'sft', options: quick({ maxSteps: 500 }) })
    await firstMetricsOf(queued.id)
    expect(await call('training.cancel', { jobId: queued.id })).toEqual({ cancelled: 1 })
    const done = await waitForJob(queued.id, 60_000)
    expect(done.status).toBe('cancelled')
    expect(done.adapterId).toBeNull()
    expect(done.error).toMatch(/cancelled/)
    expect(workbench.jobs.list().filter((job) => job.kind === 'training' && job.status === 'running')).toEqual([])
    // Started again, it is queued anew (and cancelled again here, while its runner loads).
    expect(await call('training.start', { jobId: queued.id })).toEqual({ queued: 1 })
    expect(['queued', 'running']).toContain(workbench.training.view(queued.id).status)
    expect(await call('training.cancel', { jobId: queued.id })).toEqual({ cancelled: 1 })
    expect((await waitForJob(queued.id, 60_000)).status).toBe('cancelled')
  })

  it('a killed runner (SIGKILL) shows as a failed job with the error and the log', async () => {
    const queued = await call<TrainingJobView>('training.enqueue', { runId, role: 'refiner', stage: 'sft', options: quick({ maxSteps: 500 }) })
    await firstMetricsOf(queued.id)
    const pid = workbench.training.view(queued.id).started?.pid
    expect(pid).toEqual(expect.any(Number))
    process.kill(pid!, 'SIGKILL')
    const done = await waitForJob(queued.id, 60_000)
    expect(done.status).toBe('failed')
    expect(done.error).toContain('killed by SIGKILL')
    const detail = workbench.training.get(queued.id)
    expect(detail.logPath).not.toBeNull()
    expect(existsSync(detail.logPath!)).toBe(true)
    expect(done.error).toContain(detail.logPath!)
    expect(detail.logTail).toContain('workbench: failed')
  })
})

describe('TrainingService without a venv', () => {
  it('reports environment_missing and installs nothing', async () => {
    const missingVenv = join(temp.dir, 'no-such-venv')
    const bare = Workbench.open({
      databasePath: join(temp.dir, 'bare.sqlite'),
      dataFolder: sharedDataDir(),
      transport: 'cli',
      trainingRunner: new PythonRunner({
        pythonDir: join(repoRoot, 'resources', 'python'),
        setupScript: join(repoRoot, 'scripts', 'setup-python.sh'),
        venvDir: missingVenv
      })
    })
    try {
      const environment = await bare.training.environment()
      expect(environment.ready).toBe(false)
      expect(environment.error?.code).toBe('environment_missing')
      expect(environment.problems.join(' ')).toContain(missingVenv)
      expect(environment.setup).toBeNull()
      // The seeded run is in the other database; a run id that exists is not needed to be refused first.
      const { runId: bareRunId } = await seedRun({ databasePath: join(temp.dir, 'bare.sqlite'), limit: 2, branching: 2 })
      await expect(bare.training.enqueue({ runId: bareRunId, role: 'generator', stage: 'sft', options: quick() })).rejects.toMatchObject({
        code: 'environment_missing',
        message: expect.stringContaining('setup-python.sh')
      })
      expect(bare.training.list()).toEqual([])
      // The setup job's check reports the same venv and creates nothing.
      const check = bare.training.setup({ checkOnly: true })
      await check.done.catch(() => undefined)
      const after = await bare.training.environment({ refresh: false })
      expect(after.setup).toMatchObject({ checkOnly: true, exitCode: 1 })
      expect(after.setup!.log).toContain(`no venv at ${missingVenv}`)
      expect(bare.jobs.get(check.jobId)?.status).toBe('failed')
      expect(existsSync(missingVenv)).toBe(false)
    } finally {
      await bare.dispose()
    }
  })
})
