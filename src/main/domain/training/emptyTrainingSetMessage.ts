import type { CreditSettings } from '@shared/api/schemas/runs'
import type { TrainingStage } from '@shared/api/schemas/training'
import type { Role } from '@shared/roles'

/** Why a run gives a role no training data for a stage under a credit setting, and what that means. */
export function emptyTrainingSetMessage(runId: number, role: Role, stage: TrainingStage, credit: CreditSettings): string {
  const setting = `θ = ${credit.threshold}, ${credit.pooling} pooling${credit.maxPairsPerParent ? `, at most ${credit.maxPairsPerParent} pairs per parent` : ''}`
  return stage === 'sft'
    ? `run ${runId} has no SFT examples for the ${role} (${setting}): none of its outputs in complete questions is labelled correct`
    : `run ${runId} has no DPO pairs for the ${role} (${setting}): no parent in a complete question has both a ✓ and a ✗ ${role} output`
}
