import type { TrainingJobStatus, TrainingPlanStatus } from '@shared/api/schemas/training'

/**
 * A plan's status from its steps': running while one runs, else queued or held while one waits; once all have ended,
 * completed when every step completed, failed when one failed or was skipped, else cancelled.
 */
export function planStatusOf(steps: readonly TrainingJobStatus[]): TrainingPlanStatus {
  if (steps.includes('running')) return 'running'
  if (steps.includes('queued')) return 'queued'
  if (steps.includes('created')) return 'created'
  if (steps.every((status) => status === 'completed')) return 'completed'
  if (steps.some((status) => status === 'failed' || status === 'skipped')) return 'failed'
  return 'cancelled'
}

/** Whether a plan in this status has ended (and keeps its finish time). */
export function planHasEnded(status: TrainingPlanStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'cancelled'
}
