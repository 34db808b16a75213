import type { DpoOverrides, TrainingOptions } from '@shared/api/schemas/training'

/**
 * A preset's DPO step options: the plan's options with the DPO overrides set, and no LoRA rank or alpha (a DPO step
 * keeps its SFT adapter's).
 */
export function withDpoOverrides(options: TrainingOptions, overrides: DpoOverrides | undefined): TrainingOptions {
  const merged: TrainingOptions = { ...options, rank: undefined, alpha: undefined }
  if (!overrides) return merged
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value
  }
  return merged
}
