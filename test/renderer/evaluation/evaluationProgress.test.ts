import { describe, expect, it } from 'vitest'
import type { EvaluationView } from '../../../src/shared/api/schemas/evaluations'
import type { JobSnapshot } from '../../../src/shared/api/schemas/jobs'
import {
  canPauseEvaluation,
  canRemoveEvaluation,
  canResumeEvaluation,
  jobOfEvaluation,
  progressOfEvaluation,
  runningElsewhere
} from '../../../src/renderer/src/features/evaluation/evaluationProgress'

const evaluation = (fields: Partial<EvaluationView> = {}): EvaluationView => ({
  id: 7,
  name: 'e',
  datasetId: 1,
  datasetName: 'gsm8k',
  benchmark: 'gsm8k',
  split: 'test',
  status: 'running',
  error: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: null,
  configurationIds: ['sa', 'malt'],
  seeds: [0, 1],
  subsetSize: 10,
  itemCount: 20,
  completeItems: 3,
  unitCount: 200,
  storedUnits: 40,
  modelPath: 'm.gguf',
  jobId: null,
  ...fields
})

const job = (fields: Partial<JobSnapshot> = {}): JobSnapshot => ({
  id: 'j1',
  kind: 'evaluation',
  title: 't',
  status: 'running',
  done: 55,
  total: 200,
  unit: 'units',
  rate: 4,
  etaSeconds: 36,
  startedAt: '2026-01-01T00:00:01.000Z',
  finishedAt: null,
  error: null,
  detail: { itemsDone: 5, unitsPerSecond: 4.5, saAccuracy: 0.4, maltAccuracy: null },
  subject: { evaluationId: 7 },
  ...fields
})

describe('evaluation progress', () => {
  it('overlays the live job on the stored counts', () => {
    const live = progressOfEvaluation(evaluation({ jobId: 'j1' }), job())
    expect(live).toEqual({
      unitsDone: 55,
      unitCount: 200,
      itemsDone: 5,
      itemCount: 20,
      fraction: 0.275,
      unitsPerSecond: 4.5,
      etaSeconds: 36,
      accuracies: { sa: 0.4, malt: null },
      live: true
    })
    const stored = progressOfEvaluation(evaluation({ status: 'paused' }), job({ status: 'cancelled' }))
    expect(stored).toMatchObject({ unitsDone: 40, itemsDone: 3, unitsPerSecond: null, etaSeconds: null, live: false })
  })

  it('finds the newest job of the evaluation among other jobs', () => {
    const jobs = {
      a: job({ id: 'a', status: 'cancelled', startedAt: '2026-01-01T00:00:01.000Z' }),
      b: job({ id: 'b', status: 'running', startedAt: '2026-01-01T00:00:09.000Z' }),
      c: job({ id: 'c', subject: { evaluationId: 8 }, startedAt: '2026-01-01T00:01:00.000Z' }),
      d: job({ id: 'd', kind: 'generation', subject: { runId: 7 }, startedAt: '2026-01-01T00:01:00.000Z' })
    }
    expect(jobOfEvaluation(jobs, 7)?.id).toBe('b')
    expect(jobOfEvaluation(jobs, 9)).toBeNull()
  })

  it('offers pause on a job here, resume and remove when stopped, neither while another process runs it', () => {
    const here = evaluation({ jobId: 'j1' })
    expect([canPauseEvaluation(here, job()), canResumeEvaluation(here, job()), canRemoveEvaluation(here, job())]).toEqual([true, false, false])
    const paused = evaluation({ status: 'paused' })
    expect([canPauseEvaluation(paused, null), canResumeEvaluation(paused, null), canRemoveEvaluation(paused, null)]).toEqual([false, true, true])
    const elsewhere = evaluation({ status: 'running' })
    expect(runningElsewhere(elsewhere, null)).toBe(true)
    expect([canPauseEvaluation(elsewhere, null), canResumeEvaluation(elsewhere, null), canRemoveEvaluation(elsewhere, null)]).toEqual([false, false, false])
    const done = evaluation({ status: 'completed' })
    expect([canResumeEvaluation(done, null), canRemoveEvaluation(done, null)]).toEqual([false, true])
  })
})
