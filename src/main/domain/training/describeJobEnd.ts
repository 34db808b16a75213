import type { TrainingJobStatus, TrainingStage } from '@shared/api/schemas/training'

/** How a step's end reads in another step's reason: "failed", "was cancelled", "was skipped". */
export function describeJobEnd(status: TrainingJobStatus): string {
  switch (status) {
    case 'failed':
      return 'failed'
    case 'cancelled':
      return 'was cancelled'
    case 'skipped':
      return 'was skipped'
    default:
      return `is ${status}`
  }
}

/** `SFT`, `DPO`: how a stage is written in names and reasons. */
export function stageLabel(stage: TrainingStage): string {
  return stage.toUpperCase()
}
