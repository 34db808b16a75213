import { availableParallelism, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { AppInfo } from '@shared/api/schemas/app'
import { createClient } from '@shared/api/procedure'
import type { WorkbenchApiSpec, WorkbenchHandlers } from '@shared/api/workbenchApi'
import { workbenchApiSpec } from '@shared/api/workbenchApi'
import type { ClientOf } from '@shared/api/procedure'
import { SqliteAdapterRepository } from '../adapters/db/SqliteAdapterRepository'
import { SqliteDatasetRepository } from '../adapters/db/SqliteDatasetRepository'
import { SqliteEndpointRepository } from '../adapters/db/SqliteEndpointRepository'
import { SqliteEvaluationRepository } from '../adapters/db/SqliteEvaluationRepository'
import { SqliteModelRepository } from '../adapters/db/SqliteModelRepository'
import { SqlitePlaygroundRepository } from '../adapters/db/SqlitePlaygroundRepository'
import { SqlitePromptTemplateRepository } from '../adapters/db/SqlitePromptTemplateRepository'
import { SqliteRunRepository } from '../adapters/db/SqliteRunRepository'
import { SqliteSettingsRepository } from '../adapters/db/SqliteSettingsRepository'
import { SqliteTrainingRepository } from '../adapters/db/SqliteTrainingRepository'
import { WorkbenchDatabase } from '../adapters/db/WorkbenchDatabase'
import { FsDataFolder } from '../adapters/fs/FsDataFolder'
import { FsFileReader } from '../adapters/fs/FsFileReader'
import { FsTrainingWorkspace } from '../adapters/fs/FsTrainingWorkspace'
import { checkEndpoint } from '../adapters/endpoint/checkEndpoint'
import { EndpointAgentHost } from '../adapters/endpoint/EndpointAgentHost'
import { OpenAiEndpointClient } from '../adapters/endpoint/OpenAiEndpointClient'
import { NvidiaSmiMonitor } from '../adapters/gpu/NvidiaSmiMonitor'
import { PythonRunner } from '../adapters/python/PythonRunner'
import { createApiHandlers } from '../api/createApiHandlers'
import { dispatchCall } from '../api/dispatchCall'
import { withErrorTranslation } from '../api/withErrorTranslation'
import type { WorkbenchServices } from '../api/WorkbenchServices'
import { DatasetService } from '../services/DatasetService'
import { EndpointService } from '../services/EndpointService'
import { EvaluationService } from '../services/EvaluationService'
import { EventBus } from '../services/EventBus'
import { JobManager } from '../services/JobManager'
import { ModelService } from '../services/ModelService'
import { PlaygroundService } from '../services/PlaygroundService'
import type { AgentHost } from '../services/ports/AgentHost'
import type { GpuMonitor } from '../services/ports/GpuMonitor'
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
  /** Where GPU memory and utilisation are read. Defaults to nvidia-smi (NvidiaSmiMonitor). */
  gpuMonitor?: GpuMonitor
  /** Where downloaded models go. Defaults to `models/` beside the database. */
  modelsDirectory?: string
  /** The training runner. Defaults to the bundled Python runner (resources/python, its venv per MALT_PYTHON_VENV). */
  trainingRunner?: TrainingRunner
  /** Where training jobs keep their data, logs and adapters. Defaults to `training/` beside the database. */
  trainingDirectory?: string
  /** Queue liveness timings (tests shorten them). */
  training?: TrainingServiceOptions
}

/** The API as a caller sees it: every method validated by dispatchCall, as over IPC and HTTP. */
export type WorkbenchClient = ClientOf<WorkbenchApiSpec>

/**
 * The composition root: adapters → services → API handlers. The Electron main process, `malt serve` and the CLI
 * each open one Workbench and put their transport in front of `handlers` (the CLI calls them through `api`); nothing
 * else wires services. Repositories and other adapters stay inside: front ends see services and the API only.
 */
export class Workbench implements WorkbenchServices {
  readonly events = new EventBus()
  readonly jobs: JobManager
  readonly datasets: DatasetService
  readonly prompts: PromptService
  readonly runs: TreeSearchService
  readonly evaluations: EvaluationService
  readonly endpoints: EndpointService
  readonly models: ModelService
  readonly playground: PlaygroundService
  readonly training: TrainingService
  readonly handlers: WorkbenchHandlers
  /** The contract's methods in-process, each through dispatchCall (validated, defaults filled in): the CLI's API. */
  readonly api: WorkbenchClient
  private readonly agentHost: AgentHost
  private disposed = false

  private constructor(
    /** The database itself, for tests and benches that read it with SQL; services only get it through ports. */
    readonly store: WorkbenchDatabase,
    private readonly dataFolder: FsDataFolder,
    private readonly options: WorkbenchOptions
  ) {
    const files = new FsFileReader()
    const datasetRepository = new SqliteDatasetRepository(store)
    const runRepository = new SqliteRunRepository(store)
    const settings = new SqliteSettingsRepository(store)
    const adapters = new SqliteAdapterRepository(store)
    this.jobs = new JobManager(this.events)
    this.datasets = new DatasetService(store, datasetRepository, dataFolder, files, this.events)
    this.prompts = new PromptService(new SqlitePromptTemplateRepository(store), this.events)
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
        get: () => settings.get<string>(defaultModelSettingKey),
        set: (reference) => settings.set(defaultModelSettingKey, reference),
        clear: () => settings.delete(defaultModelSettingKey)
      },
      // A check answers within seconds even when the server is down: one retry, 30 s per attempt.
      (spec, signal) => checkEndpoint(new OpenAiEndpointClient({ spec, limits: { maxRetries: 1, timeoutSeconds: Math.min(30, spec.timeoutSeconds) } }), signal),
      this.events
    )
    this.agentHost = new RoutingAgentHost(options.agentHost ?? llama.agentHost, new EndpointAgentHost({ lookup: (name) => this.endpoints.lookup(name) }))
    this.models = new ModelService(
      new SqliteModelRepository(store),
      settings,
      options.modelInspector ?? llama.inspector,
      options.gpuMonitor ?? new NvidiaSmiMonitor(),
      files,
      this.jobs,
      this.events,
      options.modelsDirectory ?? join(dirname(store.path === ':memory:' ? tmpdir() : store.path), 'models')
    )
    this.playground = new PlaygroundService(this.agentHost, adapters, settings, new SqlitePlaygroundRepository(store), this.events)
    this.runs = new TreeSearchService(
      store,
      runRepository,
      datasetRepository,
      this.prompts,
      adapters,
      settings,
      this.agentHost,
      this.jobs,
      this.events
    )
    this.evaluations = new EvaluationService(
      store,
      new SqliteEvaluationRepository(store),
      datasetRepository,
      this.prompts,
      adapters,
      settings,
      this.agentHost,
      this.jobs,
      this.events
    )
    const appRoot = resolveAppRoot()
    const besideDatabase = (name: string) => join(dirname(store.path === ':memory:' ? join(tmpdir(), 'malt-workbench', 'x') : store.path), name)
    this.training = new TrainingService(
      new SqliteTrainingRepository(store),
      runRepository,
      this.runs,
      adapters,
      options.trainingRunner ??
        new PythonRunner({ pythonDir: join(appRoot, 'resources', 'python'), setupScript: join(appRoot, 'scripts', 'setup-python.sh') }),
      new FsTrainingWorkspace(options.trainingDirectory ?? besideDatabase('training')),
      this.jobs,
      this.events,
      options.training
    )
    this.handlers = withErrorTranslation(createApiHandlers(this), (error) => store.translateError(error))
    this.api = createClient(workbenchApiSpec, (method, input) => dispatchCall(this.handlers, method, input))
  }

  static open(options: WorkbenchOptions): Workbench {
    const store = WorkbenchDatabase.open(options.databasePath, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {})
    const dataFolder = new FsDataFolder(options.dataFolder === undefined ? resolveDataFolder() : options.dataFolder)
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
