import { basename, isAbsolute, resolve } from 'node:path'
import type { BackendInfoView, EngineSettings, GpuStatus, ModelRecord } from '@shared/api/schemas/models'
import { engineSettingsSchema } from '@shared/api/schemas/models'
import { endpointNameOf } from '@shared/api/schemas/endpoints'
import { AppError } from '@shared/errors'
import type { EventBus } from './EventBus'
import type { JobManager } from './JobManager'
import type { FileReader } from './ports/FileReader'
import type { GpuMonitor } from './ports/GpuMonitor'
import type { ModelInspector } from './ports/ModelInspector'
import type { ModelRepository, ModelRow } from './ports/ModelRepository'
import type { SettingsRepository } from './ports/SettingsRepository'
import { defaultModelSettingKey } from './TreeSearchService'

export const engineSettingsKey = 'engine'

/**
 * The base models the three agents share: registering a GGUF (checked and described by the engine), choosing the
 * default, the first-run download, and the engine settings (GPU, threads, layers, sequences, context).
 */
export class ModelService {
  constructor(
    private readonly models: ModelRepository,
    private readonly settings: SettingsRepository,
    private readonly inspector: ModelInspector,
    private readonly gpus: GpuMonitor,
    private readonly files: FileReader,
    private readonly jobs: JobManager,
    private readonly events: EventBus,
    private readonly modelsDirectory: string
  ) {}

  list(): ModelRecord[] {
    const defaultPath = this.settings.get<string>(defaultModelSettingKey)
    const rows = this.models.list()
    // A default set from the CLI (`--model`) without registering still shows up.
    if (defaultPath && !rows.some((row) => row.path === defaultPath)) {
      rows.push({ id: 0, path: defaultPath, name: basename(defaultPath), facts: null, addedAt: '' })
    }
    return rows.map((row) => this.toRecord(row, defaultPath))
  }

  async add(rawPath: string, makeDefault: boolean, signal?: AbortSignal): Promise<ModelRecord> {
    const path = checkedModelPath(rawPath, this.files)
    const facts = await this.inspector.describe(path, signal)
    const row = this.models.upsert(path, facts.name ?? basename(path), facts)
    if (makeDefault) this.settings.set(defaultModelSettingKey, path)
    this.events.changed('models')
    return this.toRecord(row, this.settings.get<string>(defaultModelSettingKey))
  }

  setDefault(id: number): ModelRecord {
    const row = this.models.get(id)
    this.settings.set(defaultModelSettingKey, row.path)
    this.events.changed('models')
    return this.toRecord(row, row.path)
  }

  remove(id: number): boolean {
    const row = this.models.get(id)
    if (this.settings.get<string>(defaultModelSettingKey) === row.path) this.settings.delete(defaultModelSettingKey)
    const removed = this.models.remove(id)
    this.events.changed('models')
    return removed
  }

  backend(): Promise<BackendInfoView> {
    return this.inspector.backend()
  }

  /** GPU memory and utilisation now (nvidia-smi), or why there is none: for the Setup page, the live widget and the training form. */
  gpuStatus(): Promise<GpuStatus> {
    return this.gpus.read()
  }

  engineSettings(): EngineSettings {
    return engineSettingsSchema.parse(this.settings.get(engineSettingsKey) ?? {})
  }

  saveEngineSettings(settings: EngineSettings): EngineSettings {
    const parsed = engineSettingsSchema.parse(settings)
    this.settings.set(engineSettingsKey, parsed)
    this.events.changed('models')
    return parsed
  }

  /** Starts the first-run download as a job; when it completes the model is registered and made the default. */
  download(uri?: string): { jobId: string; uri: string; directory: string; done: Promise<void> } {
    const modelUri = uri ?? this.inspector.defaultDownloadUri
    const { job, done } = this.jobs.start({ kind: 'download', title: `Download ${modelUri}`, unit: 'bytes', subject: { uri: modelUri } }, async (context) => {
      const path = await this.inspector.download({
        uri: modelUri,
        directory: this.modelsDirectory,
        signal: context.signal,
        onProgress: (progress) => {
          context.progress(progress.downloadedBytes, progress.totalBytes > 0 ? progress.totalBytes : null)
          context.detail({ bytesPerSecond: Math.round(progress.bytesPerSecond) })
        }
      })
      context.log('info', `downloaded ${path}`)
      await this.add(path, true, context.signal)
    })
    return { jobId: job.id, uri: modelUri, directory: this.modelsDirectory, done }
  }

  private toRecord(row: ModelRow, defaultPath: string | undefined): ModelRecord {
    return {
      id: row.id,
      path: row.path,
      name: row.name,
      addedAt: row.addedAt,
      // An endpoint (`endpoint:NAME`) set as the default is not a file; it exists while it is registered.
      exists: endpointNameOf(row.path) !== null || this.files.kind(row.path) !== null,
      isDefault: row.path === defaultPath,
      facts: row.facts
    }
  }
}

/** A path from a client, before the engine opens it: absolute, an existing regular .gguf file. */
function checkedModelPath(rawPath: string, files: FileReader): string {
  if (!isAbsolute(rawPath)) throw new AppError('invalid_input', `model path must be absolute, got '${rawPath}'`, { field: 'path' })
  const path = resolve(rawPath)
  if (!/\.gguf$/i.test(path)) throw new AppError('invalid_input', `${path} is not a .gguf file`, { field: 'path', file: path })
  const kind = files.kind(path)
  if (kind === null) throw new AppError('not_found', `${path}: no such file`, { field: 'path', file: path })
  if (kind !== 'file') throw new AppError('invalid_input', `${path} is not a file`, { field: 'path', file: path })
  return path
}
