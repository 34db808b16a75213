import { availableParallelism, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { AppInfo } from '@shared/api/schemas/app'
import type { WorkbenchHandlers } from '@shared/api/workbenchApi'
import { DatasetRepository } from '../adapters/db/DatasetRepository'
import { EvaluationRepository } from '../adapters/db/EvaluationRepository'
import { AdapterRepository } from '../adapters/db/AdapterRepository'
import { PromptTemplateRepository } from '../adapters/db/PromptTemplateRepository'
import { RunRepository } from '../adapters/db/RunRepository'
import { ModelRepository } from '../adapters/db/ModelRepository'
import { SqliteEndpointRepository } from '../adapters/db/SqliteEndpointRepository'
import { checkEndpoint } from '../adapters/endpoint/checkEndpoint'
import { EndpointAgentHost } from '../adapters/endpoint/EndpointAgentHost'
import { OpenAiEndpointClient } from '../adapters/endpoint/OpenAiEndpointClient'
import { PlaygroundRepository } from '../adapters/db/PlaygroundRepository'
import { SettingsRepository } from '../adapters/db/SettingsRepository'
import { TrainingRepository } from '../adapters/db/TrainingRepository'
import { translateSqliteError, WorkbenchDatabase } from '../adapters/db/WorkbenchDatabase'
import { DataFolder } from '../adapters/fs/DataFolder'
import { PythonRunner } from '../adapters/python/PythonRunner'
import { TrainingWorkspace } from '../adapters/python/TrainingWorkspace'
import { createApiHandlers } from '../api/createApiHandlers'
import { withErrorTranslation } from '../api/withErrorTranslation'
import { DatasetService } from '../services/DatasetService'
import { EndpointService } from '../services/EndpointService'
import { EvaluationService } from '../services/EvaluationService'
import { EventBus } from '../services/EventBus'
import { JobManager } from '../services/JobManager'
import { ModelService } from '../services/ModelService'
import { PlaygroundService } from '../services/PlaygroundService'
import type { AgentHost } from '../services/ports/AgentHost'
import type { ModelInspector } from '../services/ports/ModelInspector'
import type { TrainingRunner } from '../services/ports/TrainingRunner'
import { PromptService } from '../services/PromptService'
import { TrainingService } from '../services/TrainingService'
import type { TrainingServiceOptions } from '../services/TrainingService'
import { defaultModelSettingKey, TreeSearchService } from '../services/TreeSearchService'
import { createLlamaBackend } from './createLlamaBackend'
import { RoutingAgentHost } from './RoutingAgentHost'
import { resolveAppRoot, resolveDataFolder } from './resolvePaths'
import { workbenchVersion } from './version'

export interface WorkbenchOptions {
  /** The SQLite file; created if missing. */
  databasePath: string
  /** Folder of JSONL data sets offered for import. Defaults to MALT_DATA_DIR, else ../shared/data if present. */
  dataFolder?: string | null
  /** Which transport serves this workbench; shown in `app.info`. */
  transport: AppInfo['transport']
  /** better-sqlite3 addon for a non-Node runtime (the desktop app's Electron build). */
  nativeBinding?: string
  /**
   * Where role agents come from for GGUF models. Defaults to node-llama-cpp on this machine, loaded on first use.
   * Models named `endpoint:NAME` always go to the registered OpenAI-compatible server.
   */
  agentHost?: AgentHost
  /** Where model facts and downloads come from. Defaults to node-llama-cpp's. */
  modelInspector?: ModelInspector
  /** Where downloaded models go. Defaults to `models/` beside the database. */
  modelsDirectory?: string
  /** The training runner. Defaults to the bundled Python runner (resources/python, its venv per MALT_PYTHON_VENV). */
  trainingRunner?: TrainingRunner
  /** Where training jobs keep their data, logs and adapters. Defaults to `training/` beside the database. */
  trainingDirectory?: string
  /** Queue liveness timings (tests shorten them). */
  training?: TrainingServiceOptions
}

/**
 * The composition root: adapters → services → API handlers. The Electron main process, `malt serve` and the CLI
 * each open one Workbench and put their transport in front of `handlers`; nothing else wires services.
 */
export class Workbench {
  readonly events = new EventBus()
  readonly jobs: JobManager
  readonly datasets: DatasetService
  readonly prompts: PromptService
  readonly runs: TreeSearchService
  readonly evaluations: EvaluationService
  readonly settings: SettingsRepository
  readonly adapters: AdapterRepository
  readonly agentHost: AgentHost
  readonly endpoints: EndpointService
  readonly models: ModelService
  readonly playground: PlaygroundService
  readonly training: TrainingService
  readonly handlers: WorkbenchHandlers
  private disposed = false

  private constructor(
    readonly store: WorkbenchDatabase,
    readonly dataFolder: DataFolder,
    readonly options: WorkbenchOptions
  ) {
    this.jobs = new JobManager(this.events)
    this.datasets = new DatasetService(store, new DatasetRepository(store), dataFolder, this.events)
    this.prompts = new PromptService(new PromptTemplateRepository(store), this.events)
    this.settings = new SettingsRepository(store)
    this.adapters = new AdapterRepository(store)
    const engineSettings = () => this.models.engineSettings()
    const llama = createLlamaBackend(() => {
      const settings = engineSettings()
      return {
        gpu: settings.gpu,
        gpuLayers: settings.gpuLayers,
        sequencesPerRole: settings.sequencesPerRole,
        contextSize: settings.contextSize,
        ...(settings.maxThreads ? { maxThreads: settings.maxThreads } : {})
      }
    })
    this.endpoints = new EndpointService(
      new SqliteEndpointRepository(store),
      {
        get: () => this.settings.get<string>(defaultModelSettingKey),
        set: (reference) => this.settings.set(defaultModelSettingKey, reference),
        clear: () => this.settings.delete(defaultModelSettingKey)
      },
      // A check answers within seconds even when the server is down: one retry, 30 s per attempt.
      (spec, signal) => checkEndpoint(new OpenAiEndpointClient({ spec, limits: { maxRetries: 1, timeoutSeconds: Math.min(30, spec.timeoutSeconds) } }), signal),
      this.events
    )
    this.agentHost = new RoutingAgentHost(options.agentHost ?? llama.agentHost, new EndpointAgentHost({ lookup: (name) => this.endpoints.lookup(name) }))
    this.models = new ModelService(
      new ModelRepository(store),
      this.settings,
      options.modelInspector ?? llama.inspector,
      this.jobs,
      this.events,
      options.modelsDirectory ?? join(dirname(store.path === ':memory:' ? tmpdir() : store.path), 'models')
    )
    this.playground = new PlaygroundService(this.agentHost, this.adapters, this.settings, new PlaygroundRepository(store), this.events)
    const datasetRepository = new DatasetRepository(store)
    this.runs = new TreeSearchService(
      store,
      new RunRepository(store),
      datasetRepository,
      this.prompts,
      this.adapters,
      this.settings,
      this.agentHost,
      this.jobs,
      this.events
    )
    this.evaluations = new EvaluationService(
      store,
      new EvaluationRepository(store),
      datasetRepository,
      this.prompts,
      this.adapters,
      this.settings,
      this.agentHost,
      this.jobs,
      this.events
    )
    const appRoot = resolveAppRoot()
    const besideDatabase = (name: string) => join(dirname(store.path === ':memory:' ? join(tmpdir(), 'malt-workbench', 'x') : store.path), name)
    this.training = new TrainingService(
      new TrainingRepository(store),
      new RunRepository(store),
      this.runs,
      this.adapters,
      options.trainingRunner ??
        new PythonRunner({ pythonDir: join(appRoot, 'resources', 'python'), setupScript: join(appRoot, 'scripts', 'setup-python.sh') }),
      new TrainingWorkspace(options.trainingDirectory ?? besideDatabase('training')),
      this.jobs,
      this.events,
      options.training
    )
    this.handlers = withErrorTranslation(createApiHandlers(this), (error) => translateSqliteError(error, store.path))
  }

  static open(options: WorkbenchOptions): Workbench {
    const store = WorkbenchDatabase.open(options.databasePath, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {})
    const dataFolder = new DataFolder(options.dataFolder === undefined ? resolveDataFolder() : options.dataFolder)
    return new Workbench(store, dataFolder, options)
  }

  info(): AppInfo {
    return {
      version: workbenchVersion,
      transport: this.options.transport,
      databasePath: this.store.path,
      schemaVersion: this.store.schemaVersion,
      dataFolder: this.dataFolder.root,
      platform: `${process.platform}-${process.arch}`,
      nodeVersion: process.versions.node,
      cpuCount: availableParallelism()
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return
    this.disposed = true
    await this.training.dispose()
    await this.jobs.cancelAll()
    await this.agentHost.dispose()
    this.store.close()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose()
  }
}
