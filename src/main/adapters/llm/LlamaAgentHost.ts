import { type Role, roles } from '@shared/roles'
import { resolve } from 'node:path'
import { AppError } from '@shared/errors'
import type { GeneratedText, GenerationRequest, LanguageModelPort } from '../../domain/agents/types'
import type { AgentHost, AgentSetup } from '../../services/ports/AgentHost'
import type { LoraAdapter } from './checkLoraAdapter'
import type { GpuChoice } from './LlamaEngine'
import { LlamaEngine } from './LlamaEngine'
import { LlamaAgentRuntime } from './LlamaAgentRuntime'
import type { LoadedModel } from './LoadedModel'

export interface LlamaHostSettings {
  /** Defaults to `"auto"`. */
  gpu?: GpuChoice
  /** Defaults to the machine's core count (see LlamaEngine). */
  maxThreads?: number
  /** Defaults to `"auto"`. */
  gpuLayers?: 'auto' | 'max' | number
  /** Defaults to LlamaAgentRuntime's. */
  sequencesPerRole?: number
  /** Tokens per sequence. Defaults to LlamaAgentRuntime's. */
  contextSize?: number
}

export interface LlamaAgentHostOptions {
  /** Read when the engine or a runtime is created, so Setup changes apply to the next load. */
  settings?: () => LlamaHostSettings
  /**
   * Runtimes (role-context sets, one per distinct combination of role adapters) kept alive at once; an idle one is
   * freed when a new combination needs room. Defaults to `3`.
   */
  maxRuntimes?: number
}

interface RuntimeEntry {
  key: string
  runtime: Promise<LlamaAgentRuntime>
  inFlight: number
  lastUsed: number
}

/**
 * The AgentHost of this machine: one llama.cpp engine, one loaded base model (reloaded when another is asked for, once
 * nothing uses the old one), and a LlamaAgentRuntime per combination of role adapters. Runs, evaluations and the
 * playground share it, so the model is loaded once per process.
 */
export class LlamaAgentHost implements AgentHost {
  private engine: Promise<LlamaEngine> | null = null
  private model: { path: string; loaded: Promise<LoadedModel> } | null = null
  private readonly runtimes = new Map<string, RuntimeEntry>()
  private disposed = false

  constructor(private readonly options: LlamaAgentHostOptions = {}) {}

  async agents(setup: AgentSetup, signal?: AbortSignal): Promise<LanguageModelPort> {
    if (this.disposed) throw new AppError('unavailable', 'the agent host has been disposed')
    const modelPath = resolve(setup.modelPath)
    const adapters = Object.fromEntries(
      roles.map((role) => {
        const spec = setup.adapters?.[role]
        return [role, spec ? ({ filePath: resolve(spec.filePath), scale: spec.scale ?? 1 } satisfies LoraAdapter) : null]
      })
    ) as Record<Role, LoraAdapter | null>
    const key = JSON.stringify([modelPath, roles.map((role) => adapters[role] && [adapters[role]!.filePath, adapters[role]!.scale])])

    if (this.model && this.model.path !== modelPath) await this.switchModel()
    let entry = this.runtimes.get(key)
    if (!entry) {
      await this.makeRoom()
      const loaded = this.loadModel(modelPath, signal)
      const settings = this.options.settings?.() ?? {}
      const runtime = loaded.then((model) =>
        LlamaAgentRuntime.create({
          model,
          adapters,
          ...(settings.sequencesPerRole ? { sequencesPerRole: settings.sequencesPerRole } : {}),
          ...(settings.contextSize ? { contextSize: settings.contextSize } : {})
        })
      )
      entry = { key, runtime, inFlight: 0, lastUsed: Date.now() }
      this.runtimes.set(key, entry)
      // A failed creation (bad adapter, bad model) must not stay cached.
      runtime.catch(() => {
        if (this.runtimes.get(key) === entry) this.runtimes.delete(key)
      })
    }
    const runtime = await entry.runtime
    const used = entry
    return {
      generate: async (request: GenerationRequest): Promise<GeneratedText[]> => {
        used.inFlight++
        used.lastUsed = Date.now()
        try {
          return await runtime.generate(request)
        } finally {
          used.inFlight--
          used.lastUsed = Date.now()
        }
      }
    }
  }

  /** The loaded model (loading it if needed), for the Setup page's facts. */
  async loadedModel(modelPath: string, signal?: AbortSignal): Promise<LoadedModel> {
    const path = resolve(modelPath)
    if (this.model && this.model.path !== path) await this.switchModel()
    return this.loadModel(path, signal)
  }

  async engineInfo(): Promise<LlamaEngine['backend']> {
    return (await this.getEngine()).backend
  }

  async dispose(): Promise<void> {
    if (this.disposed) return
    this.disposed = true
    await this.switchModel()
    if (this.engine) await (await this.engine.catch(() => null))?.dispose()
  }

  private getEngine(): Promise<LlamaEngine> {
    if (!this.engine) {
      const settings = this.options.settings?.() ?? {}
      this.engine = LlamaEngine.create({
        ...(settings.gpu !== undefined ? { gpu: settings.gpu } : {}),
        ...(settings.maxThreads ? { maxThreads: settings.maxThreads } : {})
      })
      this.engine.catch(() => {
        this.engine = null
      })
    }
    return this.engine
  }

  private loadModel(path: string, signal?: AbortSignal): Promise<LoadedModel> {
    if (!this.model || this.model.path !== path) {
      const gpuLayers = this.options.settings?.().gpuLayers
      const loaded = this.getEngine().then((engine) =>
        engine.loadModel({ modelPath: path, ...(gpuLayers !== undefined ? { gpuLayers } : {}), ...(signal ? { signal } : {}) })
      )
      const model = { path, loaded }
      this.model = model
      loaded.catch(() => {
        if (this.model === model) this.model = null
      })
    }
    return this.model.loaded
  }

  /** Frees every runtime and the model, after their requests end; used when another base model is asked for. */
  private async switchModel(): Promise<void> {
    const busy = [...this.runtimes.values()].filter((entry) => entry.inFlight > 0)
    if (busy.length > 0 && !this.disposed) {
      throw new AppError('conflict', `another base model is in use by ${busy.length} running job(s); wait for them or stop them first`)
    }
    for (const entry of this.runtimes.values()) await (await entry.runtime.catch(() => null))?.dispose()
    this.runtimes.clear()
    const model = this.model
    this.model = null
    if (model) await (await model.loaded.catch(() => null))?.dispose()
  }

  private async makeRoom(): Promise<void> {
    const limit = this.options.maxRuntimes ?? 3
    while (this.runtimes.size >= limit) {
      const idle = [...this.runtimes.values()].filter((entry) => entry.inFlight === 0).sort((a, b) => a.lastUsed - b.lastUsed)[0]
      if (!idle) return // everything is busy: allow one more rather than fail the job
      this.runtimes.delete(idle.key)
      await (await idle.runtime.catch(() => null))?.dispose()
    }
  }
}
