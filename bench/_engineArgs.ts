/**
 * The engine flags the agents and tree benches share: where llama.cpp runs and with which attention kernel.
 *
 *   --gpu false|auto|cuda|metal|vulkan   default false: the CPU, as the numbers in the README were taken
 *   --gpu-layers auto|max|N              default auto (as many as fit); ignored on the CPU
 *   --flash-attention                    default off, as LlamaAgentRuntime's default
 *   --batched-bench PATH                 also run llama.cpp's llama-batched-bench at the same shape and compare
 */
import type { BackendInfo, GpuChoice } from '../src/main/adapters/llm/LlamaEngine'
import type { LoadedModel } from '../src/main/adapters/llm/LoadedModel'

export interface EngineArgs {
  gpu: GpuChoice
  gpuLayers: 'auto' | 'max' | number
  flashAttention: boolean
  /** llama-batched-bench's path, or null for no comparison. */
  batchedBench: string | null
}

const gpuChoices: readonly string[] = ['auto', 'cuda', 'metal', 'vulkan']

export function parseEngineArgs(args: readonly string[]): EngineArgs {
  const value = (name: string): string | undefined => {
    const index = args.indexOf(`--${name}`)
    return index >= 0 ? args[index + 1] : undefined
  }
  const gpuText = value('gpu') ?? 'false'
  if (gpuText !== 'false' && gpuText !== 'cpu' && !gpuChoices.includes(gpuText)) {
    throw new Error(`--gpu must be one of false, ${gpuChoices.join(', ')}; got '${gpuText}'`)
  }
  const layersText = value('gpu-layers') ?? 'auto'
  const layers = layersText === 'auto' || layersText === 'max' ? layersText : Number(layersText)
  if (typeof layers === 'number' && (!Number.isInteger(layers) || layers < 0)) {
    throw new Error(`--gpu-layers must be auto, max or a whole number of layers; got '${layersText}'`)
  }
  return {
    gpu: gpuText === 'false' || gpuText === 'cpu' ? false : (gpuText as GpuChoice),
    gpuLayers: layers,
    flashAttention: args.includes('--flash-attention'),
    batchedBench: value('batched-bench') ?? null
  }
}

/** One line: the backend that loaded and how much of the model it holds, or why it fell back to the CPU. */
export function describeBackend(backend: BackendInfo, model: LoadedModel, flashAttention: boolean): string {
  const where = backend.gpu
    ? `${backend.gpu.toUpperCase()} (${backend.gpuDeviceNames.join(', ') || 'unnamed device'}), ${model.model.gpuLayers} of ${model.model.fileInsights.totalLayers} layers on the GPU`
    : `CPU, ${backend.cpuThreads} thread(s)`
  return `${where}; flash attention ${flashAttention ? 'on' : 'off'}${backend.gpuFallbackReason ? `; ${backend.gpuFallbackReason}` : ''}`
}
