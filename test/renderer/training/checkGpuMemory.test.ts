import { describe, expect, it } from 'vitest'
import type { GpuStatus, ModelFacts } from '@shared/api/schemas/models'
import { checkGpuMemory } from '../../../src/renderer/src/features/training/checkGpuMemory'

const facts = {
  parameterCount: 1.711e9,
  layerCount: 24,
  embeddingLength: 2048,
  vocabularySize: 49_152
} as ModelFacts
const job = { stage: 'sft' as const, batchSize: 8, maxLength: 512, rank: 16, gradientCheckpointing: true }
const gib = 1024 ** 3
const gpu = (totalGiB: number, usedGiB: number): GpuStatus => ({
  available: true,
  reason: null,
  readAt: '2026-12-04T00:00:00.000Z',
  devices: [{ index: 0, name: 'NVIDIA RTX 4060', memoryTotalBytes: totalGiB * gib, memoryUsedBytes: usedGiB * gib, utilizationPercent: 0, temperatureCelsius: 40 }]
})

describe('checkGpuMemory', () => {
  it('warns when the estimate exceeds the memory free on the first GPU, saying what to change', () => {
    const check = checkGpuMemory({ facts, job, device: 'auto', gpu: gpu(8, 2) })
    expect(check.level).toBe('warn')
    expect(check.message).toMatch(/needs about 8\.\d GB of GPU memory \(weights 3\.4 GB, .*\), more than the 6\.4 GB free on NVIDIA RTX 4060 now: lower the batch size or the max length/)
    const withoutCheckpointing = checkGpuMemory({ facts, job: { ...job, gradientCheckpointing: false }, device: 'auto', gpu: gpu(8, 2) })
    expect(withoutCheckpointing.message).toMatch(/turn gradient checkpointing on/)
  })

  it('says it fits when it does', () => {
    expect(checkGpuMemory({ facts, job, device: 'cuda', gpu: gpu(80, 1) })).toMatchObject({ level: 'ok', message: expect.stringMatching(/Needs about 8\.\d GB .* free on NVIDIA RTX 4060/) })
  })

  it('warns that a CUDA job fails without a GPU, and only informs for auto and the CPU', () => {
    const none: GpuStatus = { available: false, reason: 'nvidia-smi is not installed here', devices: [], readAt: '2026-12-04T00:00:00.000Z' }
    expect(checkGpuMemory({ facts, job, device: 'cuda', gpu: none })).toMatchObject({ level: 'warn', message: expect.stringMatching(/asks for CUDA but no NVIDIA GPU can be read \(nvidia-smi is not installed here\): it will fail/) })
    expect(checkGpuMemory({ facts, job, device: 'auto', gpu: none }).level).toBe('unknown')
    expect(checkGpuMemory({ facts, job, device: 'cpu', gpu: gpu(8, 2) }).level).toBe('unknown')
  })

  it('asks for the model to be added when its facts are unknown', () => {
    expect(checkGpuMemory({ facts: null, job, device: 'auto', gpu: gpu(80, 1) }).message).toMatch(/Add this base model on the Setup page/)
  })
})
