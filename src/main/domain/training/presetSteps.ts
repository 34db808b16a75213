import type { Role } from '@shared/roles'
import type { TrainingPreset, TrainingStage } from '@shared/api/schemas/training'

export interface PresetStep {
  role: Role
  stage: TrainingStage
  /** Index of the step this one starts from (a DPO step's SFT step), or null. */
  dependsOn: number | null
}

/**
 * The steps of a training preset, in queue order.
 * - MALT (paper §4.3, Algorithm 1 lines 21–27): SFT for the generator; SFT then DPO for the verifier and the refiner
 *   (the generator gets no DPO: App. A.9 found SFT+DPO lowers it).
 * - STaR (the paper's baseline): SFT for all three roles on their own correct outputs.
 */
export function presetSteps(preset: TrainingPreset): PresetStep[] {
  switch (preset) {
    case 'malt':
      return [
        { role: 'generator', stage: 'sft', dependsOn: null },
        { role: 'verifier', stage: 'sft', dependsOn: null },
        { role: 'verifier', stage: 'dpo', dependsOn: 1 },
        { role: 'refiner', stage: 'sft', dependsOn: null },
        { role: 'refiner', stage: 'dpo', dependsOn: 3 }
      ]
    case 'star':
      return [
        { role: 'generator', stage: 'sft', dependsOn: null },
        { role: 'verifier', stage: 'sft', dependsOn: null },
        { role: 'refiner', stage: 'sft', dependsOn: null }
      ]
  }
}
