import type { JobSnapshot } from '@shared/api/schemas/jobs'
import type { RunSummary } from '@shared/api/schemas/runs'

/** What a run's row and summary show about its progress: stored counts, overlaid with its live job when one runs. */
export interface RunProgress {
  nodesDone: number
  nodesExpected: number
  questionsDone: number
  questionCount: number
  /** 0–1. */
  fraction: number
  /** Nodes per second over the job's recent past; null when no job runs. */
  nodesPerSecond: number | null
  tokensPerSecond: number | null
  etaSeconds: number | null
  accuracy: { generator: number | null; verifier: number | null; refiner: number | null }
  live: boolean
}

/** The newest job about this run (a resumed run has several), or null. */
export function jobOfRun(jobs: Record<string, JobSnapshot>, runId: number): JobSnapshot | null {
  let newest: JobSnapshot | null = null
  for (const job of Object.values(jobs)) {
    if (job.kind !== 'generation' || Number(job.subject.runId) !== runId) continue
    if (!newest || (job.startedAt ?? '') > (newest.startedAt ?? '') || (job.status === 'running' && newest.status !== 'running')) newest = job
  }
  return newest
}

function numberOrNull(value: number | string | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}

export function progressOf(run: RunSummary, job: JobSnapshot | null): RunProgress {
  const live = job !== null && (job.status === 'running' || job.status === 'queued')
  const detail = live ? job.detail : {}
  const nodesDone = live ? Math.max(job.done, run.nodeCount) : run.nodeCount
  const nodesExpected = live && job.total ? job.total : run.expectedNodes
  const questionsDone = numberOrNull(detail.questionsDone) ?? run.completeQuestions
  return {
    nodesDone,
    nodesExpected,
    questionsDone,
    questionCount: numberOrNull(detail.questionCount) ?? run.questionCount,
    fraction: nodesExpected > 0 ? Math.min(1, nodesDone / nodesExpected) : 0,
    nodesPerSecond: live ? (numberOrNull(detail.nodesPerSecond) ?? job.rate) : null,
    tokensPerSecond: live ? numberOrNull(detail.tokensPerSecond) : null,
    etaSeconds: live ? job.etaSeconds : null,
    accuracy: {
      generator: numberOrNull(detail.generatorAccuracy) ?? run.stageAccuracy.generator,
      verifier: numberOrNull(detail.verifierAccuracy) ?? run.stageAccuracy.verifier,
      refiner: numberOrNull(detail.refinerAccuracy) ?? run.stageAccuracy.refiner
    },
    live
  }
}

/** Pause applies to a run with a job; resume to one stopped before its end. */
export function canPause(run: RunSummary, job: JobSnapshot | null): boolean {
  return run.status === 'running' || (job !== null && job.status === 'running')
}

export function canResume(run: RunSummary, job: JobSnapshot | null): boolean {
  return !canPause(run, job) && run.status !== 'completed'
}
