import { planHasEnded, planStatusOf } from '../../domain/training/planStatusOf'
import { stepsToSkip } from '../../domain/training/stepsToSkip'
import type { TrainingJobRecord, TrainingRepository } from '../ports/TrainingRepository'
import type { TrainingWorkspace } from '../ports/TrainingWorkspace'

/**
 * The store's side of the plan rules (domain/training): ends steps that never ran, skips what a step's end rules out,
 * and keeps each plan's status in step with its steps'.
 */
export class PlanBookkeeping {
  constructor(
    private readonly repo: TrainingRepository,
    private readonly workspace: TrainingWorkspace
  ) {}

  /** After a step ended without success: skips the later steps the plan rules say (see stepsToSkip). */
  propagate(ended: TrainingJobRecord): void {
    if (ended.status === 'completed' || ended.planId === null) return
    const plan = this.repo.getPlan(ended.planId)
    for (const skip of stepsToSkip(ended, plan.continueOnFailure, this.repo.jobsOfPlan(plan.id))) this.endPending(skip.id, 'skipped', skip.reason)
  }

  refreshPlan(planId: number): void {
    const plan = this.repo.getPlan(planId)
    const status = planStatusOf(this.repo.jobsOfPlan(planId).map((job) => job.status))
    this.repo.setPlanStatus(planId, status, planHasEnded(status) ? (plan.finishedAt ?? new Date().toISOString()) : null)
  }

  /** Refreshes the plans of these jobs, each once. */
  refreshPlansOf(jobs: readonly { planId: number | null }[]): void {
    for (const planId of new Set(jobs.map((job) => job.planId).filter((id): id is number => id !== null))) this.refreshPlan(planId)
  }

  /** Ends a job that never ran (cancelled or skipped), noting why in its log. */
  endPending(jobId: number, status: 'cancelled' | 'skipped', reason: string): void {
    const now = new Date().toISOString()
    this.repo.updateJob(jobId, { status, error: reason, finishedAt: now })
    const logPath = this.repo.getJob(jobId).logPath
    if (logPath) {
      try {
        this.workspace.appendLog(logPath, `--- ${now} workbench: ${status}: ${reason} ---`)
      } catch {
        // the log is a courtesy; the status and reason are in the store
      }
    }
  }

  /** After a job ended: what its end rules out, and its plan's status. */
  afterJob(jobId: number): void {
    const job = this.repo.getJob(jobId)
    this.propagate(job)
    if (job.planId !== null) this.refreshPlan(job.planId)
  }
}
