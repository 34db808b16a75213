import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Workbench } from '../../src/main/app/Workbench'
import { smolModelPath } from '../support/models'
import { makeTempDir, sharedDataDir, sharedDataFile } from '../support/paths'

/**
 * A small real evaluation on SmolLM2-135M-Instruct: SA and MA on 3 GSM8K test questions under one seed. The model is
 * far too small for the numbers to mean anything, so no accuracy is asserted: only that the whole pipeline (prompts,
 * engine, grading, storage, aggregation, reads, exports) produces complete, parseable outputs.
 */

const temp = makeTempDir('malt-eval-smol-')
let workbench: Workbench

beforeAll(() => {
  workbench = Workbench.open({ databasePath: join(temp.dir, 'w.sqlite'), dataFolder: sharedDataDir(), transport: 'cli' })
  workbench.models.saveEngineSettings({ gpu: false, maxThreads: 1, gpuLayers: 0, sequencesPerRole: 3, contextSize: 1024 })
})

afterAll(async () => {
  await workbench?.dispose()
  temp.cleanup()
})

describe('an evaluation on SmolLM2-135M', () => {
  it('runs sa and ma on 3 GSM8K questions to stored, graded, aggregated outputs', async () => {
    const { datasetId } = await workbench.datasets.importFile(sharedDataFile('gsm8k/test.jsonl'), { name: 'gsm8k', format: 'gsm8k' })
    const created = workbench.evaluations.create({
      datasetId,
      configurations: ['sa', 'ma'],
      seeds: [0],
      subsetSize: 3,
      sampling: { temperature: 0.3, topP: 1, maxTokens: 64 },
      modelPath: smolModelPath(),
      questionConcurrency: 3,
      start: false
    })
    // SA is MA's first generation: G, V, R per question.
    expect(created.unitCount).toBe(9)
    const started = Date.now()
    const { jobId, done } = workbench.evaluations.start(created.id)
    await done
    const seconds = (Date.now() - started) / 1000
    const job = workbench.jobs.get(jobId)!
    console.log(`SmolLM2-135M, sa+ma on 3 GSM8K items: 9 units in ${seconds.toFixed(1)} s (${(9 / seconds).toFixed(2)} units/s, ${job.detail.tokensPerSecond} tok/s)`)
    expect(job.status).toBe('completed')
    expect(workbench.evaluations.view(created.id)).toMatchObject({ status: 'completed', storedUnits: 9, completeItems: 3 })

    const items = workbench.evaluations.items(created.id, 'ma').items
    expect(items).toHaveLength(3)
    for (const item of items) {
      expect(item.complete).toBe(true)
      expect(item.passes[0]!.units.map((u) => u.stage)).toEqual(['generator', 'verifier', 'refiner'])
      for (const unit of item.passes[0]!.units) {
        expect(unit.text.trim().length).toBeGreaterThan(0)
        expect(unit.completionTokens).toBeGreaterThan(0)
        expect(unit.completionTokens).toBeLessThanOrEqual(64)
        expect(['eos', 'maxTokens', 'stopTrigger']).toContain(unit.stopReason)
      }
    }
    // The grader reads a number out of most real solutions (`Final Answer: …`, else the last number).
    expect(items.filter((item) => item.passes[0]!.units[0]!.answer !== null).length).toBeGreaterThan(0)

    const results = workbench.evaluations.results(created.id)
    for (const configuration of results.configurations) {
      expect(configuration.completeItems).toBe(3)
      expect(configuration.accuracy.mean).toBeGreaterThanOrEqual(0)
      expect(configuration.accuracy.mean).toBeLessThanOrEqual(100)
    }
    const lines = [...workbench.evaluations.exportItemLines(created.id)].map((line) => JSON.parse(line) as { configurationId: string })
    expect(lines.map((line) => line.configurationId)).toEqual(['sa', 'sa', 'sa', 'ma', 'ma', 'ma'])
    expect(workbench.evaluations.exportTable([created.id], { format: 'markdown' }).content).toMatch(/\| SA \| \d+\.\d\d ± 0\.00 \|\n\| MA \| \d+\.\d\d ± 0\.00 \|/)
  })
})
