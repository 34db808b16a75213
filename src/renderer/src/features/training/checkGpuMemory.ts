import type { GpuStatus, ModelFacts } from '@shared/api/schemas/models'
import { estimateTrainingMemory, type TrainingMemoryJob } from '@shared/training/estimateTrainingMemory'

export interface GpuMemoryCheck {
  /** `warn`: the job will not fit (or cannot run) as set; `ok`: it fits; `unknown`: nothing to compare. */
  level: 'ok' | 'warn' | 'unknown'
  message: string
}

export interface GpuMemoryCheckInput {
  /** The base model's facts, or null when the model is not registered on the Setup page. */
  facts: ModelFacts | null
  job: TrainingMemoryJob
  device: 'auto' | 'cpu' | 'cuda'
  /** The latest nvidia-smi reading, or null before the first one. */
  gpu: GpuStatus | null
}

const gigabytes = (bytes: number) => `${(bytes / 1e9).toFixed(1)} GB`

/**
 * Whether a training job fits the GPU it will run on: the estimate (estimateTrainingMemory) against the memory free
 * on the first GPU now (the runner trains on cuda:0; memory the agents' model holds there counts as taken).
 */
export function checkGpuMemory(input: GpuMemoryCheckInput): GpuMemoryCheck {
  if (input.device === 'cpu') return { level: 'unknown', message: 'Trains on the CPU: no GPU memory check.' }
  const gpu = input.gpu
  if (!gpu) return { level: 'unknown', message: 'Reading the GPU…' }
  const device = gpu.available ? gpu.devices[0] : undefined
  if (!device) {
    return input.device === 'cuda'
      ? { level: 'warn', message: `This job asks for CUDA but no NVIDIA GPU can be read (${gpu.reason ?? 'none found'}): it will fail. Choose auto or CPU.` }
      : { level: 'unknown', message: `No NVIDIA GPU to check against (${gpu.reason ?? 'none found'}); auto trains on the CPU.` }
  }
  const facts = input.facts
  if (!facts || !facts.layerCount || !facts.embeddingLength) {
    return { level: 'unknown', message: 'Add this base model on the Setup page to check whether the job fits the GPU’s memory.' }
  }
  const estimate = estimateTrainingMemory(
    { parameterCount: facts.parameterCount, layerCount: facts.layerCount, embeddingLength: facts.embeddingLength, vocabularySize: facts.vocabularySize },
    input.job
  )
  const free = device.memoryTotalBytes - (device.memoryUsedBytes ?? 0)
  const parts = `weights ${gigabytes(estimate.weightsBytes)}, activations ${gigabytes(estimate.activationsBytes)}, logits ${gigabytes(estimate.logitsBytes)}`
  if (estimate.totalBytes > free) {
    const fixes = input.job.gradientCheckpointing ? 'lower the batch size or the max length' : 'turn gradient checkpointing on, or lower the batch size or the max length'
    return {
      level: 'warn',
      message: `This job needs about ${gigabytes(estimate.totalBytes)} of GPU memory (${parts}), more than the ${gigabytes(free)} free on ${device.name} now: ${fixes}, or train a smaller model.`
    }
  }
  return { level: 'ok', message: `Needs about ${gigabytes(estimate.totalBytes)} of GPU memory; ${gigabytes(free)} free on ${device.name}.` }
}
