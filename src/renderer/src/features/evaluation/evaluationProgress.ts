import type { EvaluationView } from '@shared/api/schemas/evaluations'
import type { JobSnapshot } from '@shared/api/schemas/jobs'

/** What an evaluation's row shows about its progress: stored counts, overlaid with its live job when one runs. */
export interface EvaluationProgress {
  unitsDone: number
  unitCount: number
  itemsDone: number
  itemCount: number
  /** 0–1. */
  fraction: number
  unitsPerSecond: number | null
  etaSeconds: number | null
  /** Running accuracy (0–1) of each configuration over the items complete so far. */
  accuracies: Record<string, number | null>
  live: boolean
}

/** The newest job about this evaluation (a resumed one has several), or null. */
export function jobOfEvaluation(jobs: Record<string, JobSnapshot>, evaluationId: number): JobSnapshot | null {
  let newest: JobSnapshot | null = null
  for (const job of Object.values(jobs)) {
    if (job.kind !== 'evaluation' || Number(job.subject.evaluationId) !== evaluationId) continue
    if (!newest || (job.startedAt ?? '') > (newest.startedAt ?? '') || (job.status === 'running' && newest.status !== 'running')) newest = job
  }
  return newest
}

const numberOrNull = (value: number | string | null | undefined): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null)

export function progressOfEvaluation(evaluation: EvaluationView, job: JobSnapshot | null): EvaluationProgress {
  const live = job !== null && (job.status === 'running' || job.status === 'queued')
  const detail = live ? job.detail : {}
  const unitsDone = live ? Math.max(job.done, evaluation.storedUnits) : evaluation.storedUnits
  const unitCount = live && job.total ? job.total : evaluation.unitCount
  const accuracies: Record<string, number | null> = {}
  for (const id of evaluation.configurationIds) accuracies[id] = numberOrNull(detail[`${id}Accuracy`])
  return {
    unitsDone,
    unitCount,
    itemsDone: numberOrNull(detail.itemsDone) ?? evaluation.completeItems,
    itemCount: evaluation.itemCount,
    fraction: unitCount > 0 ? Math.min(1, unitsDone / unitCount) : 0,
    unitsPerSecond: live ? (numberOrNull(detail.unitsPerSecond) ?? job.rate) : null,
    etaSeconds: live ? job.etaSeconds : null,
    accuracies,
    live
  }
}

/** Pause applies to an evaluation with a running job; resume to one stopped before its end. */
export function canPauseEvaluation(evaluation: EvaluationView, job: JobSnapshot | null): boolean {
  return evaluation.jobId !== null || (job !== null && job.status === 'running')
}

/**
 * Stored as running but with no job here: another process (a `malt eval`) is computing it, or it stopped within the
 * last half minute (after that the service reports it `interrupted`). Neither resuming nor removing it is safe then.
 */
export function runningElsewhere(evaluation: EvaluationView, job: JobSnapshot | null): boolean {
  return evaluation.status === 'running' && !canPauseEvaluation(evaluation, job)
}

export function canResumeEvaluation(evaluation: EvaluationView, job: JobSnapshot | null): boolean {
  return !canPauseEvaluation(evaluation, job) && !runningElsewhere(evaluation, job) && evaluation.status !== 'completed'
}

export function canRemoveEvaluation(evaluation: EvaluationView, job: JobSnapshot | null): boolean {
  return !canPauseEvaluation(evaluation, job) && !runningElsewhere(evaluation, job)
}
