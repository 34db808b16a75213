import type { Role } from '@shared/roles'
import type { TrainingJobStatus, TrainingPlanStatus, TrainingStage } from '@shared/api/schemas/training'

export interface TrainingJobRecord {
  id: number
  planId: number | null
  planOrder: number
  runId: number | null
  role: Role
  stage: TrainingStage
  name: string
  options: unknown
  config: Record<string, unknown>
  baseModelPath: string
  trainFile: string | null
  trainExamples: number | null
  dependsOnJobId: number | null
  status: TrainingJobStatus
  error: string | null
  logPath: string | null
  outputDir: string | null
  step: number | null
  totalSteps: number | null
  result: Record<string, unknown> | null
  owner: string | null
  heartbeatAt: string | null
  queuedAt: string | null
  createdAt: string
  startedAt: string | null
  finishedAt: string | null
}

export interface TrainingPlanRecord {
  id: number
  runId: number | null
  preset: string
  continueOnFailure: boolean
  options: unknown
  status: TrainingPlanStatus
  createdAt: string
  finishedAt: string | null
}

export type NewTrainingJob = Pick<
  TrainingJobRecord,
  'planId' | 'planOrder' | 'runId' | 'role' | 'stage' | 'name' | 'options' | 'config' | 'baseModelPath' | 'dependsOnJobId' | 'status' | 'owner'
>

/** Columns a service may change on a job (undefined: left as it is). */
export interface TrainingJobPatch {
  status?: TrainingJobStatus
  error?: string | null
  config?: Record<string, unknown>
  trainFile?: string | null
  trainExamples?: number | null
  logPath?: string | null
  outputDir?: string | null
  step?: number | null
  totalSteps?: number | null
  result?: Record<string, unknown> | null
  owner?: string | null
  heartbeatAt?: string | null
  queuedAt?: string | null
  startedAt?: string | null
  finishedAt?: string | null
}

export interface NewTrainingPlan {
  runId: number | null
  preset: string
  continueOnFailure: boolean
  options: unknown
  status: TrainingPlanStatus
}

/** Training plans, jobs and their metrics by step. */
export interface TrainingRepository {
  createPlan(input: NewTrainingPlan): number
  /** `not_found` when there is none. */
  getPlan(id: number): TrainingPlanRecord
  /** Newest first. */
  listPlans(): TrainingPlanRecord[]
  setPlanStatus(id: number, status: TrainingPlanStatus, finishedAt: string | null): void
  createJob(input: NewTrainingJob): number
  /** `not_found` when there is none. */
  getJob(id: number): TrainingJobRecord
  /** Newest first. */
  listJobs(filter?: { runId?: number }): TrainingJobRecord[]
  /** A plan's steps in order. */
  jobsOfPlan(planId: number): TrainingJobRecord[]
  updateJob(id: number, patch: TrainingJobPatch): void
  /** The next queued job of this owner, oldest queue entry first. */
  nextQueued(owner: string): TrainingJobRecord | null
  /** A job running in another live process (heard of since `aliveSince`), if any. */
  runningElsewhere(owner: string, aliveSince: string): TrainingJobRecord | null
  /** Marks this owner's queued and running jobs alive; returns how many. */
  touch(owner: string, now: string): number
  /** Queued or running jobs whose owner has been silent since before `staleBefore` (a crashed or closed process). */
  staleJobs(staleBefore: string): TrainingJobRecord[]
  /** One logged step: every value under its trl name (null for a non-finite number). */
  insertMetrics(jobId: number, step: number, values: Record<string, number | null>): void
  metrics(jobId: number): { step: number; name: string; value: number | null }[]
  /** The last logged loss of each of these jobs. */
  lastLosses(jobIds: number[]): Map<number, number | null>
  clearMetrics(jobId: number): void
}
