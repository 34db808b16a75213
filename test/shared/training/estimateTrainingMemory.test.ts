import { describe, expect, it } from 'vitest'
import { estimateTrainingMemory, type TrainingMemoryJob, type TrainingMemoryModel } from '@shared/training/estimateTrainingMemory'

// SmolLM2-1.7B's and Llama-3.1-8B's published shapes.
const smol17: TrainingMemoryModel = { parameterCount: 1.711e9, layerCount: 24, embeddingLength: 2048, vocabularySize: 49_152 }
const llama8: TrainingMemoryModel = { parameterCount: 8.03e9, layerCount: 32, embeddingLength: 4096, vocabularySize: 128_256 }
const runnerDefaults: TrainingMemoryJob = { stage: 'sft', batchSize: 8, maxLength: 512, rank: 16, gradientCheckpointing: true }
const gb = 1e9

describe('estimateTrainingMemory', () => {
  it('lands near the peaks measured on an H200 (shared/notes/GPU.md), never below them by much', () => {
    // 6.6 GB measured with ~230-token examples; the estimate assumes every example is max_length long.
    const smol = estimateTrainingMemory(smol17, runnerDefaults).totalBytes
    expect(smol).toBeGreaterThan(6.6 * gb)
    expect(smol).toBeLessThan(6.6 * gb * 1.5)
    // 107 GB measured for HF + PEFT at 4 × 2048 without checkpointing.
    const llama = estimateTrainingMemory(llama8, { ...runnerDefaults, batchSize: 4, maxLength: 2048, gradientCheckpointing: false }).totalBytes
    expect(llama).toBeGreaterThan(107 * gb * 0.85)
    expect(llama).toBeLessThan(107 * gb * 1.15)
  })

  it('grows with the batch, the length and the rank, and shrinks with gradient checkpointing', () => {
    const base = estimateTrainingMemory(smol17, runnerDefaults)
    expect(estimateTrainingMemory(smol17, { ...runnerDefaults, batchSize: 16 }).totalBytes).toBeGreaterThan(base.totalBytes)
    expect(estimateTrainingMemory(smol17, { ...runnerDefaults, maxLength: 1024 }).totalBytes).toBeGreaterThan(base.totalBytes)
    expect(estimateTrainingMemory(smol17, { ...runnerDefaults, rank: 64 }).loraBytes).toBeCloseTo(base.loraBytes * 4, -3)
    const without = estimateTrainingMemory(smol17, { ...runnerDefaults, gradientCheckpointing: false })
    expect(without.activationsBytes).toBeGreaterThan(base.activationsBytes * 10)
    expect(without.weightsBytes).toBe(base.weightsBytes)
  })

  it('counts DPO as twice the sequences (chosen and rejected) and fewer adapted projections as fewer LoRA weights', () => {
    const sft = estimateTrainingMemory(smol17, runnerDefaults)
    const dpo = estimateTrainingMemory(smol17, { ...runnerDefaults, stage: 'dpo' })
    expect(dpo.logitsBytes).toBe(sft.logitsBytes * 2)
    expect(dpo.activationsBytes).toBe(sft.activationsBytes * 2)
    expect(estimateTrainingMemory(smol17, { ...runnerDefaults, targetModuleCount: 2 }).loraBytes).toBeLessThan(sft.loraBytes / 3)
  })

  it('refuses sizes that are not positive, naming the field', () => {
    expect(() => estimateTrainingMemory({ ...smol17, layerCount: 0 }, runnerDefaults)).toThrow(/layerCount must be a positive number, got 0/)
    expect(() => estimateTrainingMemory(smol17, { ...runnerDefaults, maxLength: Number.NaN })).toThrow(/maxLength/)
  })
})
