import { z } from 'zod'
import { procedure } from '../procedure'
import { idSchema, isoDateSchema, nothing } from './common'

export const backendInfoSchema = z.object({
  gpu: z.enum(['cuda', 'metal', 'vulkan']).nullable(),
  gpuDeviceNames: z.array(z.string()),
  cpuThreads: z.number().int(),
  gpuFallbackReason: z.string().nullable(),
  llamaCppRelease: z.string(),
  /** GPU memory llama.cpp sees (all its devices together); null on the CPU. Absent in facts stored before it existed. */
  vramTotalBytes: z.number().nullable().optional()
})
export type BackendInfoView = z.infer<typeof backendInfoSchema>

/** One GPU as `nvidia-smi` reports it; a field the driver does not report for this device is null. */
export const gpuDeviceSchema = z.object({
  index: z.number().int(),
  name: z.string(),
  memoryTotalBytes: z.number(),
  memoryUsedBytes: z.number().nullable(),
  /** Percent of the last sample period a kernel ran. */
  utilizationPercent: z.number().nullable(),
  temperatureCelsius: z.number().nullable()
})
export type GpuDevice = z.infer<typeof gpuDeviceSchema>

/** A reading of the machine's NVIDIA GPUs, or why there is none (no nvidia-smi, or the driver did not answer). */
export const gpuStatusSchema = z.object({
  available: z.boolean(),
  /** What is wrong, in words, when nothing could be read; null when `available`. */
  reason: z.string().nullable(),
  devices: z.array(gpuDeviceSchema),
  readAt: isoDateSchema
})
export type GpuStatus = z.infer<typeof gpuStatusSchema>

export const modelFactsSchema = z.object({
  filePath: z.string(),
  fileName: z.string(),
  fileSizeBytes: z.number(),
  name: z.string().nullable(),
  architecture: z.string(),
  parameterCount: z.number(),
  quantization: z.string().nullable(),
  contextLength: z.number().int(),
  layerCount: z.number().int().nullable(),
  embeddingLength: z.number().int().nullable(),
  vocabularySize: z.number().int(),
  chatTemplate: z.object({ present: z.boolean(), wrapper: z.string() }),
  backend: backendInfoSchema.extend({
    gpuLayers: z.number().int(),
    /** Layers node-llama-cpp can offload (the blocks and the output layer); absent in facts stored before it existed. */
    totalLayers: z.number().int().optional()
  })
})
export type ModelFacts = z.infer<typeof modelFactsSchema>

export const modelRecordSchema = z.object({
  id: idSchema,
  path: z.string(),
  name: z.string(),
  addedAt: isoDateSchema,
  exists: z.boolean(),
  isDefault: z.boolean(),
  facts: modelFactsSchema.nullable()
})
export type ModelRecord = z.infer<typeof modelRecordSchema>

/** How llama.cpp runs: read when the engine or a context is created, so changes apply on the next load. */
export const engineSettingsSchema = z.object({
  gpu: z.union([z.enum(['auto', 'cuda', 'metal', 'vulkan']), z.literal(false)]).default('auto'),
  /** null: the machine's core count. */
  maxThreads: z.number().int().min(1).max(256).nullable().default(null),
  gpuLayers: z.union([z.enum(['auto', 'max']), z.number().int().min(0).max(1000)]).default('auto'),
  /** Samples decoded at once per role. */
  sequencesPerRole: z.number().int().min(1).max(64).default(9),
  /** Tokens per sequence (prompt + completion). */
  contextSize: z.number().int().min(256).max(131_072).default(4096)
})
export type EngineSettings = z.infer<typeof engineSettingsSchema>

/** A GGUF path the user gives: absolute, a .gguf file; checked again on the service side before anything opens it. */
export const modelPathSchema = z
  .string()
  .min(1)
  .max(4096)
  .refine((path) => /\.gguf$/i.test(path), 'a model must be a .gguf file')

export const modelsApi = {
  list: procedure({ input: nothing, output: z.array(modelRecordSchema), description: 'Registered base models and which is the default.' }),
  add: procedure({
    input: z.object({ path: modelPathSchema, makeDefault: z.boolean().default(true) }),
    output: modelRecordSchema,
    description: 'Checks and loads a GGUF model, registers it with its facts, and by default makes it the default.'
  }),
  setDefault: procedure({ input: z.object({ id: idSchema }), output: modelRecordSchema, description: 'The model new runs and evaluations use.' }),
  remove: procedure({ input: z.object({ id: idSchema }), output: z.object({ removed: z.boolean() }), description: 'Forgets a model (the file stays).' }),
  backend: procedure({ input: nothing, output: backendInfoSchema, description: 'The llama.cpp backend in use: GPU type and devices, or the CPU and its threads.' }),
  gpuStatus: procedure({
    input: nothing,
    output: gpuStatusSchema,
    description: 'GPU memory and utilisation now, read with nvidia-smi; says why when there is no NVIDIA GPU to read.'
  }),
  engineSettings: procedure({ input: nothing, output: engineSettingsSchema, description: 'GPU, threads, GPU layers, sequences and context size.' }),
  saveEngineSettings: procedure({ input: engineSettingsSchema, output: engineSettingsSchema, description: 'Saves engine settings; they apply to the next model load.' }),
  download: procedure({
    input: z.object({ uri: z.string().min(1).max(500).optional() }),
    output: z.object({ jobId: z.string(), uri: z.string(), directory: z.string() }),
    description: 'Downloads a model (default: the paper’s Qwen2.5-1.5B-Instruct GGUF) as a job with progress, speed, ETA and cancel.'
  })
} as const
