import type {
  EnqueuePresetInput,
  EnqueueTrainingInput,
  TrainingAdapterView,
  TrainingEnvironmentView,
  TrainingJobDetail,
  TrainingJobView,
  TrainingMetrics,
  TrainingOptions,
  TrainingPlanView,
  TrainingStage
} from '@shared/api/schemas/training'
import { enqueuePresetInputSchema, enqueueTrainingInputSchema } from '@shared/api/schemas/training'
import { endpointNameOf } from '@shared/api/schemas/endpoints'
import { AppError, serializeError } from '@shared/errors'
import type { Role } from '@shared/roles'
import { buildRunnerConfig } from '../domain/training/buildRunnerConfig'
import { stageLabel } from '../domain/training/describeJobEnd'
import { emptyTrainingSetMessage } from '../domain/training/emptyTrainingSetMessage'
import { presetSteps } from '../domain/training/presetSteps'
import { pendingStatuses } from '../domain/training/stepsToSkip'
import { withDpoOverrides } from '../domain/training/withDpoOverrides'
import type { EventBus } from './EventBus'
import type { JobManager } from './JobManager'
import type { AdapterRepository } from './ports/AdapterRepository'
import type { RunRepository } from './ports/RunRepository'
import type { TrainingRepository } from './ports/TrainingRepository'
import type { TrainingRunner } from './ports/TrainingRunner'
import type { TrainingWorkspace } from './ports/TrainingWorkspace'
import { PlanBookkeeping } from './training/PlanBookkeeping'
import { TrainingEnvironment } from './training/TrainingEnvironment'
import { TrainingJobExecution } from './training/TrainingJobExecution'
import { TrainingQueue, type TrainingQueueOptions } from './training/TrainingQueue'
import { TrainingViews } from './training/TrainingViews'
import type { TreeSearchService } from './TreeSearchService'

/** Queue liveness timings (tests shorten them); see TrainingQueueOptions. */
export type TrainingServiceOptions = TrainingQueueOptions

type Target = { jobId: number } | { planId: number }

/**
 * Training jobs (paper §4.3, Algorithm 1 lines 21–27): a queue in the store, run one at a time through the Python
 * runner. A job exports a role's SFT set or DPO pairs from a generation run into its folder and writes the runner
 * config (here); the queue's liveness (TrainingQueue), the run of one job (TrainingJobExecution), the plan rules
 * (PlanBookkeeping over domain/training), the runner's environment (TrainingEnvironment) and the views
 * (TrainingViews) are their own parts. Presets queue a plan of jobs (MALT, STaR), where a DPO step starts from its
 * role's SFT step.
 */
export class TrainingService {
  private readonly planBook: PlanBookkeeping
  private readonly queue: TrainingQueue
  private readonly environmentPart: TrainingEnvironment
  private readonly views: TrainingViews

  constructor(
    private readonly repo: TrainingRepository,
    private readonly runRecords: RunRepository,
    private readonly runs: TreeSearchService,
    private readonly adapters: AdapterRepository,
    private readonly runner: TrainingRunner,
    private readonly workspace: TrainingWorkspace,
    jobs: JobManager,
    private readonly events: EventBus,
    options: TrainingServiceOptions = {}
  ) {
    this.planBook = new PlanBookkeeping(repo, workspace)
    const execution = new TrainingJobExecution(repo, adapters, runner, workspace, this.planBook, jobs, events, () => this.queue.closing)
    this.queue = new TrainingQueue(repo, this.planBook, jobs, events, (record) => execution.start(record), options)
    this.environmentPart = new TrainingEnvironment(runner, jobs, events, () => this.queue.running()?.trainingJobId ?? null)
    this.views = new TrainingViews(repo, runRecords, adapters, workspace, () => this.queue.running())
    this.queue.recoverAbandoned()
  }

  // ---- environment (TrainingEnvironment) --------------------------------------------------------------------------

  /** The runner's environment and the last setup job; `refresh: false` answers from the last check (cheap, for polling). */
  environment(options: { requireCuda?: boolean; refresh?: boolean } = {}): Promise<TrainingEnvironmentView> {
    return this.environmentPart.environment(options)
  }

  /** Runs the setup script as a job whose output is kept (nothing installs without this being asked for). */
  setup(options: { checkOnly?: boolean } = {}): { jobId: string; done: Promise<void> } {
    return this.environmentPart.setup(options)
  }

  // ---- reading (TrainingViews) ------------------------------------------------------------------------------------

  list(filter: { runId?: number } = {}): TrainingJobView[] {
    this.queue.recoverAbandoned()
    return this.views.viewsOf(this.repo.listJobs(filter))
  }

  plans(): TrainingPlanView[] {
    this.queue.recoverAbandoned()
    return this.repo.listPlans().map((plan) => this.views.planView(plan.id))
  }

  planView(planId: number): TrainingPlanView {
    return this.views.planView(planId)
  }

  view(jobId: number): TrainingJobView {
    return this.views.view(jobId)
  }

  get(jobId: number): TrainingJobDetail {
    this.queue.recoverAbandoned()
    return this.views.get(jobId)
  }

  /** Every logged step of a job, grouped by step (nothing dropped or sampled). */
  metrics(jobId: number): TrainingMetrics {
    return this.views.metrics(jobId)
  }

  adapterViews(filter: { role?: Role } = {}): TrainingAdapterView[] {
    return this.views.adapterViews(filter)
  }

  /** Resolves once this process has nothing queued or running. */
  whenIdle(): Promise<void> {
    return this.queue.whenIdle()
  }

  // ---- queueing ---------------------------------------------------------------------------------------------------

  /** Prepares one job (data exported, config written) and queues it, or holds it with `start: false`. */
  async enqueue(raw: EnqueueTrainingInput): Promise<TrainingJobView> {
    const input = enqueueTrainingInputSchema.parse(raw)
    const { runId, role, stage, options } = input
    const base = await this.checkCommon(runId, options)
    if (stage === 'dpo' && (options.rank !== undefined || options.alpha !== undefined)) {
      throw new AppError('invalid_input', "a DPO job keeps its SFT adapter's LoRA rank and alpha: leave rank and alpha unset", {
        field: options.rank !== undefined ? 'options.rank' : 'options.alpha'
      })
    }
    let initAdapter: string | null = null
    let dependsOnJobId: number | null = null
    if (stage === 'dpo') {
      const source = this.sftSourceOf(runId, role, base)
      initAdapter = source.initAdapter
      dependsOnJobId = source.dependsOnJobId
    }
    const lines = this.exportSet(runId, role, stage, options)
    if (lines.length === 0) throw new AppError('invalid_input', emptyTrainingSetMessage(runId, role, stage, options.credit), { field: 'runId' })
    const id = await this.createJob({
      planId: null,
      planOrder: 0,
      runId,
      role,
      stage,
      options,
      baseModelPath: base,
      lines,
      initAdapter,
      dependsOnJobId,
      status: input.start ? 'queued' : 'created'
    })
    this.events.changed('training')
    this.queue.pump()
    return this.views.view(id)
  }

  /** Queues a preset as one plan (see presetSteps). */
  async enqueuePreset(raw: EnqueuePresetInput): Promise<TrainingPlanView> {
    const input = enqueuePresetInputSchema.parse(raw)
    const { runId, preset, options } = input
    const base = await this.checkCommon(runId, options)
    if (preset === 'malt' && (input.dpoOptions as Record<string, unknown> | undefined)?.rank !== undefined) {
      throw new AppError('invalid_input', 'DPO steps keep their SFT adapter’s LoRA rank', { field: 'dpoOptions' })
    }
    const steps = presetSteps(preset).map((step) => {
      const stepOptions = step.stage === 'dpo' ? withDpoOverrides(options, input.dpoOptions) : options
      return { ...step, options: stepOptions, lines: this.exportSet(runId, step.role, step.stage, stepOptions) }
    })
    const empty = steps.filter((step) => step.lines.length === 0)
    if (empty.length > 0 && !input.continueOnFailure) {
      throw new AppError(
        'invalid_input',
        `${empty.map((step) => emptyTrainingSetMessage(runId, step.role, step.stage, step.options.credit)).join('; ')}. ` +
          'Change the credit settings, or queue the plan with continueOnFailure to run the other steps',
        { field: 'runId' }
      )
    }
    const planId = this.repo.createPlan({
      runId,
      preset,
      continueOnFailure: input.continueOnFailure,
      options: { options, ...(input.dpoOptions ? { dpoOptions: input.dpoOptions } : {}) },
      status: input.start ? 'queued' : 'created'
    })
    const ids: number[] = []
    const queuedAt = new Date().toISOString()
    for (const [order, step] of steps.entries()) {
      const dependsOnJobId = step.dependsOn === null ? null : ids[step.dependsOn]!
      const id = await this.createJob({
        planId,
        planOrder: order,
        runId,
        role: step.role,
        stage: step.stage,
        options: step.options,
        baseModelPath: base,
        lines: step.lines,
        initAdapter: null,
        dependsOnJobId,
        status: input.start ? 'queued' : 'created',
        queuedAt
      })
      ids.push(id)
      if (step.lines.length === 0) this.planBook.endPending(id, 'skipped', emptyTrainingSetMessage(runId, step.role, step.stage, step.options.credit))
    }
    for (const id of ids) {
      const job = this.repo.getJob(id)
      if (job.status === 'skipped') this.planBook.propagate(job)
    }
    this.planBook.refreshPlan(planId)
    this.events.changed('training')
    this.queue.pump()
    return this.views.planView(planId)
  }

  /** Queues held jobs, or runs failed, cancelled or skipped ones again (a plan: all of its unfinished steps). */
  start(target: Target): { queued: number } {
    const jobs = 'jobId' in target ? [this.repo.getJob(target.jobId)] : this.repo.jobsOfPlan(this.repo.getPlan(target.planId).id)
    const startable = jobs.filter((job) => ['created', 'failed', 'cancelled', 'skipped'].includes(job.status))
    if ('jobId' in target && startable.length === 0) {
      const job = jobs[0]!
      throw new AppError('conflict', `training job ${job.id} is ${job.status}; only held, failed, cancelled or skipped jobs can be started`)
    }
    if (startable.length > 0) this.runner.assertInterpreter()
    const queuedAt = new Date().toISOString()
    for (const job of startable) {
      this.repo.updateJob(job.id, { status: 'queued', error: null, queuedAt, owner: this.queue.owner, heartbeatAt: queuedAt, finishedAt: null })
    }
    this.planBook.refreshPlansOf(startable)
    this.events.changed('training')
    this.queue.pump()
    return { queued: startable.length }
  }

  /** Cancels a queued or running job, or every unfinished step of a plan. */
  cancel(target: Target): { cancelled: number } {
    const jobs = 'jobId' in target ? [this.repo.getJob(target.jobId)] : this.repo.jobsOfPlan(this.repo.getPlan(target.planId).id)
    let cancelled = 0
    // Pending steps first, so that the running one, when it ends, finds nothing left to start or skip.
    for (const job of jobs) {
      if (!pendingStatuses.includes(job.status)) continue
      this.planBook.endPending(job.id, 'cancelled', 'cancelled before it started')
      this.planBook.propagate(this.repo.getJob(job.id))
      cancelled++
    }
    for (const job of jobs) {
      if (job.status !== 'running') continue
      if (this.queue.running()?.trainingJobId === job.id) {
        if (this.queue.cancelRunning(job.id)) cancelled++
      } else if ('jobId' in target) {
        throw new AppError('conflict', `training job ${job.id} runs in another workbench process; cancel it there`)
      }
    }
    this.planBook.refreshPlansOf(jobs)
    this.events.changed('training')
    return { cancelled }
  }

  /** Stops this process's training: pending jobs are cancelled, the running one is asked to stop and awaited. */
  async dispose(): Promise<void> {
    await this.queue.dispose()
    await this.environmentPart.settled()
  }

  // ---- preparing jobs ---------------------------------------------------------------------------------------------

  private async checkCommon(runId: number, options: TrainingOptions): Promise<string> {
    const run = this.runRecords.get(runId)
    const base = options.baseModelPath ?? run.config.modelPath
    if (!/\.gguf$/i.test(base) || !this.workspace.isFile(base)) {
      throw new AppError(
        'invalid_input',
        options.baseModelPath
          ? `the base model ${base} is not a GGUF file on this machine`
          : endpointNameOf(base) !== null
            ? `run ${runId} was generated on ${base}; the runner trains here on the same weights as a GGUF file: give it (--base-model FILE, options.baseModelPath)`
            : `run ${runId}'s model ${base} is not a GGUF file on this machine: give the base model to train on (options.baseModelPath)`,
        { field: 'options.baseModelPath' }
      )
    }
    this.runner.assertInterpreter()
    if (options.device === 'cuda') await this.runner.environment({ requireCuda: true })
    return base
  }

  /** Where a single DPO job starts: the role's SFT adapter of the same run, or an SFT job of it still to finish. */
  private sftSourceOf(runId: number, role: Role, baseModelPath: string): { initAdapter: string | null; dependsOnJobId: number | null } {
    const adapter = this.adapters
      .list({ role })
      .find((candidate) => candidate.runId === runId && candidate.stage === 'sft' && candidate.baseModelPath === baseModelPath && candidate.peftDir && this.workspace.exists(candidate.peftDir))
    if (adapter?.peftDir) return { initAdapter: adapter.peftDir, dependsOnJobId: null }
    const pending = this.repo
      .listJobs({ runId })
      .find((job) => job.role === role && job.stage === 'sft' && job.baseModelPath === baseModelPath && ['created', 'queued', 'running'].includes(job.status))
    if (pending) return { initAdapter: null, dependsOnJobId: pending.id }
    throw new AppError(
      'invalid_input',
      `DPO for the ${role} starts from that role's SFT adapter of run ${runId} (its reference model), and there is none for ${baseModelPath}: ` +
        'train the SFT stage first (or queue the MALT preset)',
      { field: 'stage' }
    )
  }

  private exportSet(runId: number, role: Role, stage: TrainingStage, options: TrainingOptions): string[] {
    return [...this.runs.exportLines(runId, stage, role, options.credit)]
  }

  private async createJob(spec: {
    planId: number | null
    planOrder: number
    runId: number
    role: Role
    stage: TrainingStage
    options: TrainingOptions
    baseModelPath: string
    lines: string[]
    initAdapter: string | null
    dependsOnJobId: number | null
    status: 'queued' | 'created'
    queuedAt?: string
  }): Promise<number> {
    const id = this.repo.createJob({
      planId: spec.planId,
      planOrder: spec.planOrder,
      runId: spec.runId,
      role: spec.role,
      stage: spec.stage,
      name: `run ${spec.runId} · ${spec.role} ${stageLabel(spec.stage)}`,
      options: spec.options,
      config: {},
      baseModelPath: spec.baseModelPath,
      dependsOnJobId: spec.dependsOnJobId,
      status: 'created',
      owner: this.queue.owner
    })
    const files = this.workspace.filesOf(id)
    try {
      const examples = spec.lines.length > 0 ? await this.workspace.writeTrainFile(files.trainFile, spec.lines) : 0
      const config = buildRunnerConfig({
        stage: spec.stage,
        options: spec.options,
        baseModelPath: spec.baseModelPath,
        trainFile: files.trainFile,
        outputDir: files.outputDir,
        initAdapter: spec.initAdapter
      })
      this.workspace.writeJson(files.configPath, config)
      const now = new Date().toISOString()
      this.repo.updateJob(id, {
        config,
        trainFile: files.trainFile,
        trainExamples: examples,
        outputDir: files.outputDir,
        logPath: files.logPath,
        status: spec.status,
        ...(spec.status === 'queued' ? { queuedAt: spec.queuedAt ?? now, heartbeatAt: now } : {})
      })
    } catch (error) {
      this.repo.updateJob(id, { status: 'failed', error: `could not prepare the job: ${serializeError(error).message}`, finishedAt: new Date().toISOString() })
      throw error
    }
    if (spec.status === 'queued') this.queue.ensureHeartbeat()
    return id
  }
}
