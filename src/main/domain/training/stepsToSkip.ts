import type { TrainingJobStatus, TrainingStage } from '@shared/api/schemas/training'
import type { Role } from '@shared/roles'
import { describeJobEnd, stageLabel } from './describeJobEnd'

/** What the plan rules read of a step. */
export interface PlanStep {
  id: number
  planOrder: number
  status: TrainingJobStatus
  /** The SFT step a DPO step starts from. */
  dependsOnJobId: number | null
  role: Role
  stage: TrainingStage
}

/** Steps that have not started (held or queued): only these are ever skipped. */
export const pendingStatuses: readonly TrainingJobStatus[] = ['created', 'queued']

/**
 * After a step of a plan ended without success, the later pending steps to skip and why: the DPO step that starts
 * from it, and without `continueOnFailure` every later pending step. A skipped step skips in turn the DPO step that
 * starts from it. Each step is skipped once, for the first reason that applies (the ended step's own, else the
 * skipped step it needed).
 */
export function stepsToSkip(ended: PlanStep, continueOnFailure: boolean, steps: readonly PlanStep[]): { id: number; reason: string }[] {
  if (ended.status === 'completed') return []
  const causes: PlanStep[] = [ended]
  const skips: { id: number; reason: string }[] = []
  const ordered = [...steps].sort((a, b) => a.planOrder - b.planOrder || a.id - b.id)
  for (const later of ordered) {
    if (later.planOrder <= ended.planOrder || !pendingStatuses.includes(later.status)) continue
    let reason: string | null = null
    for (const cause of causes) {
      reason = reasonAfter(cause, later, continueOnFailure)
      if (reason !== null) break
    }
    if (reason === null) continue
    skips.push({ id: later.id, reason })
    causes.push({ ...later, status: 'skipped' })
  }
  return skips
}

function reasonAfter(ended: PlanStep, later: PlanStep, continueOnFailure: boolean): string | null {
  if (later.planOrder <= ended.planOrder) return null
  if (later.dependsOnJobId === ended.id) return `its SFT step (job ${ended.id}) ${describeJobEnd(ended.status)}`
  if (!continueOnFailure) {
    return `step ${ended.planOrder + 1} (job ${ended.id}, ${ended.role} ${stageLabel(ended.stage)}) ${describeJobEnd(ended.status)} and this plan stops at a failure`
  }
  return null
}

/**
 * Why a DPO step cannot start from its SFT step, known only once that step has ended: it did not complete, or left
 * no adapter to start from. Null when it can start.
 */
export function dpoSkipReason(sft: { id: number; status: TrainingJobStatus }, sftAdapterDir: string | null): string | null {
  if (sft.status === 'completed' && sftAdapterDir) return null
  return `its SFT step (job ${sft.id}) ${sft.status === 'completed' ? 'left no adapter' : describeJobEnd(sft.status)}`
}
