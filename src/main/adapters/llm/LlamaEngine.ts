import { availableParallelism } from 'node:os'
import { getLlama, type Llama, type LlamaLogLevel, type LlamaOptions } from 'node-llama-cpp'
import { AppError } from '@shared/errors'
import { CancelledError } from '@shared/errors/CancelledError'
import { inspectGgufFile } from './inspectGgufFile'
import { LoadedModel } from './LoadedModel'

export type GpuChoice = 'auto' | 'cuda' | 'metal' | 'vulkan' | false

export interface LlamaEngineOptions {
  /**
   * The GPU backend. `"auto"` probes node-llama-cpp's prebuilt CUDA, Metal and Vulkan binaries and uses the CPU
   * when none works; a named backend that fails also falls back to the CPU (see {@link BackendInfo.gpuFallbackReason}).
   * llama.cpp is never built from source: a failed probe on a CPU-only or virtualized host would otherwise start a
   * source build that takes up to an hour on every launch (node-llama-cpp issues #572, #578).
   * Defaults to `"auto"`.
   */
  gpu?: GpuChoice
  /**
   * CPU threads for evaluation. node-llama-cpp's own default, max(cores, 4), oversubscribes small machines and
   * runs 100x slower on 2 cores, so this is always set.
   * Defaults to `os.availableParallelism()`.
   */
  maxThreads?: number
  /** Defaults to node-llama-cpp's `"warn"`. */
  logLevel?: LlamaLogLevel
  /** Receives llama.cpp's log lines. Defaults to node-llama-cpp's console logger. */
  logger?: (level: LlamaLogLevel, message: string) => void
}

export interface BackendInfo {
  /** The GPU backend in use, or null for the CPU. */
  gpu: 'cuda' | 'metal' | 'vulkan' | null
  gpuDeviceNames: string[]
  /** The thread cap for CPU evaluation. */
  cpuThreads: number
  /** Why a GPU is not in use although one was asked for (`gpu` other than `false`); null when none is missing. */
  gpuFallbackReason: string | null
  /** The llama.cpp release inside node-llama-cpp, e.g. "v0.5.0". */
  llamaCppRelease: string
  /** GPU memory llama.cpp sees, all its devices together; null on the CPU. */
  vramTotalBytes: number | null
}

export interface LoadModelOptions {
  modelPath: string
  /**
   * Layers to offload to the GPU: a count, `"max"`, or `"auto"` (as many as fit in VRAM). Ignored on the CPU.
   * Defaults to `"auto"`.
   */
  gpuLayers?: 'auto' | 'max' | number
  /** Called with the load progress, 0 to 1. */
  onLoadProgress?: (progress: number) => void
  signal?: AbortSignal
}

/**
 * The llama.cpp backend (one per process) and the door to loading models. Created with {@link LlamaEngine.create},
 * which picks the GPU backend and the thread count; {@link LlamaEngine.loadModel} checks the file before
 * llama.cpp sees it, so a bad file is an {@link AppError} naming it rather than "Failed to load model".
 */
export class LlamaEngine {
  readonly llama: Llama
  readonly backend: BackendInfo
  private readonly models = new Set<LoadedModel>()
  private disposed = false

  private constructor(llama: Llama, backend: BackendInfo) {
    this.llama = llama
    this.backend = backend
  }

  static async create(options: LlamaEngineOptions = {}): Promise<LlamaEngine> {
    const requested = options.gpu ?? 'auto'
    const maxThreads = options.maxThreads ?? availableParallelism()
    if (!Number.isInteger(maxThreads) || maxThreads < 1) {
      throw new AppError('invalid_input', `maxThreads must be a positive integer, got ${maxThreads}`, { field: 'maxThreads' })
    }
    const common: LlamaOptions = {
      build: 'never',
      usePrebuiltBinaries: true,
      skipDownload: true,
      progressLogs: false,
      maxThreads,
      ...(options.logLevel ? { logLevel: options.logLevel } : {}),
      ...(options.logger ? { logger: options.logger } : {})
    }

    let llama: Llama
    let gpuFallbackReason: string | null = null
    try {
      llama = await getLlama({ ...common, gpu: requested })
    } catch (error) {
      if (requested === false) {
        throw new AppError('unavailable', `llama.cpp could not start on the CPU: ${messageOf(error)}`, undefined, { cause: error })
      }
      gpuFallbackReason = `the ${requested === 'auto' ? 'GPU' : requested} backend failed to start (${messageOf(error)}); using the CPU`
      try {
        llama = await getLlama({ ...common, gpu: false })
      } catch (cpuError) {
        throw new AppError('unavailable', `llama.cpp could not start on the CPU either: ${messageOf(cpuError)}`, undefined, {
          cause: cpuError
        })
      }
    }
    if (requested !== false && llama.gpu === false && gpuFallbackReason === null) {
      gpuFallbackReason =
        requested === 'auto' ? 'no usable CUDA, Metal or Vulkan device was found; using the CPU' : `the ${requested} backend is unavailable; using the CPU`
    }

    const gpu = llama.gpu === false ? null : llama.gpu
    const backend: BackendInfo = {
      gpu,
      gpuDeviceNames: gpu ? await llama.getGpuDeviceNames().catch(() => []) : [],
      cpuThreads: llama.maxThreads,
      gpuFallbackReason,
      llamaCppRelease: llama.llamaCppRelease.release,
      vramTotalBytes: gpu ? await llama.getVramState().then((state) => state.total, () => null) : null
    }
    return new LlamaEngine(llama, backend)
  }

  /** Checks the file ({@link inspectGgufFile}) and loads it. */
  async loadModel(options: LoadModelOptions): Promise<LoadedModel> {
    this.ensureNotDisposed()
    const inspected = await inspectGgufFile(options.modelPath, { llama: this.llama, kind: 'model' })
    if (options.signal?.aborted) throw new CancelledError(`loading ${options.modelPath} was cancelled`)
    try {
      const model = await this.llama.loadModel({
        modelPath: options.modelPath,
        gpuLayers: options.gpuLayers ?? 'auto',
        ...(options.onLoadProgress ? { onLoadProgress: options.onLoadProgress } : {}),
        ...(options.signal ? { loadSignal: options.signal } : {})
      })
      const loaded = LoadedModel._create(model, inspected, this.backend, () => this.models.delete(loaded))
      this.models.add(loaded)
      return loaded
    } catch (error) {
      if (options.signal?.aborted) throw new CancelledError(`loading ${options.modelPath} was cancelled`, false, { cause: error })
      throw new AppError('model_load_failed', `llama.cpp could not load ${options.modelPath}: ${messageOf(error)}`, { file: options.modelPath }, {
        cause: error
      })
    }
  }

  get isDisposed(): boolean {
    return this.disposed
  }

  /** Disposes every model loaded through this engine, then the backend. */
  async dispose(): Promise<void> {
    if (this.disposed) return
    this.disposed = true
    for (const model of [...this.models]) await model.dispose()
    await this.llama.dispose()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose()
  }

  private ensureNotDisposed(): void {
    if (this.disposed) throw new AppError('unavailable', 'the llama engine has been disposed')
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
