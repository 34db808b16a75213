import type {
  DpoOverrides,
  EnqueuePresetInput,
  EnqueueTrainingInput,
  TrainingAdapterView,
  TrainingDataFacts,
  TrainingEnvironmentView,
  TrainingJobDetail,
  TrainingJobStatus,
  TrainingJobView,
  TrainingMetrics,
  TrainingOptions,
  TrainingPlanFacts,
  TrainingPlanStatus,
  TrainingPlanView,
  TrainingResult,
  TrainingStage
} from '@shared/api/schemas/training'
import { enqueuePresetInputSchema, enqueueTrainingInputSchema, trainingOptionsSchema } from '@shared/api/schemas/training'
import { AppError, serializeError } from '@shared/errors'
import type { AdapterRecord, AdapterRepository } from '../adapters/db/AdapterRepository'
import type { RunRepository } from '../adapters/db/RunRepository'
import type { TrainingJobRecord, TrainingRepository } from '../adapters/db/TrainingRepository'
import type { TrainingWorkspace } from '../adapters/python/TrainingWorkspace'
import type { DataEvent, FinishedEvent, PlanEvent, RunnerEvent } from '../adapters/python/runnerEvents'
import { describeDataFit, describePlan } from '@shared/training/describeTrainingFacts'
import type { Role } from '../domain/agents/types'
import { buildRunnerConfig } from '../domain/training/buildRunnerConfig'
import { presetSteps } from '../domain/training/presetSteps'
import type { EventBus } from './EventBus'
import type { JobContext, JobManager } from './JobManager'
import type { RunnerInspection, TrainingRunner } from './ports/TrainingRunner'
import type { TreeSearchService } from './TreeSearchService'

export interface TrainingServiceOptions {
  /** How often this process marks its queued and running jobs alive. Defaults to `5_000` ms. */
  heartbeatMs?: number
  /**
   * A queued or running job whose process has been silent this long is taken as abandoned: a running one becomes
   * failed ("interrupted"), a queued one cancelled. Defaults to `30_000` ms.
   */
  staleAfterMs?: number
  /** While another process runs a job, this one checks again this often before starting its next. Defaults to `2_000` ms. */
  waitPollMs?: number
}

interface SetupState {
  jobId: string
  checkOnly: boolean
  startedAt: string
  exitCode: number | null
  log: string
  done: Promise<void>
}

type Target = { jobId: number } | { planId: number }

const pendingStatuses: readonly TrainingJobStatus[] = ['created', 'queued']
const maxSetupLogChars = 200_000
const stageLabel = (stage: TrainingStage) => stage.toUpperCase()

/**
 * Training jobs (paper §4.3, Algorithm 1 lines 21–27): a queue in the store, run one at a time through the Python
 * runner. A job exports a role's SFT set or DPO pairs from a generation run into its folder, writes the runner config,
 * streams the runner's metrics into `training_metrics` (and out as `training.metrics` events), and on success
 * registers the GGUF LoRA adapter for the agents. Presets queue a plan of such jobs (MALT, STaR), where a DPO step
 * starts from its role's SFT step.
 */
export class TrainingService {
  /** This process, as the owner of the jobs it queued. */
  private readonly owner = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
  private current: { trainingJobId: number; jobManagerId: string; done: Promise<void> } | null = null
  private heartbeat: ReturnType<typeof setInterval> | null = null
  private waitTimer: ReturnType<typeof setTimeout> | null = null
  private idleWaiters: (() => void)[] = []
  private setupState: SetupState | null = null
  private inspection: RunnerInspection | null = null
  private closing = false
  private readonly heartbeatMs: number
  private readonly staleAfterMs: number
  private readonly waitPollMs: number

  constructor(
    private readonly repo: TrainingRepository,
    private readonly runRecords: RunRepository,
    private readonly runs: TreeSearchService,
    private readonly adapters: AdapterRepository,
    private readonly runner: TrainingRunner,
    private readonly workspace: TrainingWorkspace,
    private readonly jobs: JobManager,
    private readonly events: EventBus,
    options: TrainingServiceOptions = {}
  ) {
    this.heartbeatMs = options.heartbeatMs ?? 5_000
    this.staleAfterMs = options.staleAfterMs ?? 30_000
    this.waitPollMs = options.waitPollMs ?? 2_000
    this.recoverAbandoned()
  }

  // ---- environment ------------------------------------------------------------------------------------------------

  /** The runner's environment and the last setup job; `refresh: false` answers from the last check (cheap, for polling). */
  async environment(options: { requireCuda?: boolean; refresh?: boolean } = {}): Promise<TrainingEnvironmentView> {
    if (options.refresh !== false || !this.inspection || options.requireCuda) {
      this.inspection = await this.runner.inspect({ requireCuda: options.requireCuda === true })
    }
    const inspection = this.inspection
    const setup = this.setupState
    return {
      ready: inspection.problems.length === 0 && inspection.report !== null,
      venvPath: inspection.venvPath,
      pythonPath: inspection.pythonPath,
      problems: inspection.problems,
      report: inspection.report,
      error: inspection.problems.length > 0 ? { code: 'environment_missing', message: inspection.problems.join('; ') } : null,
      setup: setup
        ? {
            jobId: setup.jobId,
            checkOnly: setup.checkOnly,
            status: this.jobs.get(setup.jobId)?.status ?? 'completed',
            startedAt: setup.startedAt,
            exitCode: setup.exitCode,
            log: setup.log
          }
        : null,
      setupCommand: this.runner.setupCommand
    }
  }

  /** Runs the setup script as a job whose output is kept (nothing installs without this being asked for). */
  setup(options: { checkOnly?: boolean } = {}): { jobId: string; done: Promise<void> } {
    const checkOnly = options.checkOnly === true
    if (this.setupState && this.jobs.get(this.setupState.jobId)?.status === 'running') {
      throw new AppError('conflict', 'the training environment is already being set up')
    }
    if (!checkOnly && this.current) {
      throw new AppError('conflict', `training job ${this.current.trainingJobId} is running; set the environment up once it has ended`)
    }
    const state: SetupState = { jobId: '', checkOnly, startedAt: new Date().toISOString(), exitCode: null, log: '', done: Promise.resolve() }
    let lines = 0
    const { job, done } = this.jobs.start(
      { kind: 'setup', title: checkOnly ? 'Check the training environment' : 'Set up the training environment', unit: 'lines' },
      async (context) => {
        let pending = ''
        const { exitCode } = await this.runner.setup({
          checkOnly,
          signal: context.signal,
          onOutput: (chunk, stream) => {
            state.log = (state.log + chunk).slice(-maxSetupLogChars)
            if (stream !== 'stderr') return
            pending += chunk
            const complete = pending.split('\n')
            pending = complete.pop() ?? ''
            for (const line of complete) {
              if (line.trim() === '') continue
              lines++
              context.log('info', line)
            }
            context.progress(lines)
          }
        })
        state.exitCode = exitCode
        if (exitCode !== 0 && !context.signal.aborted) {
          const last = state.log.trim().split('\n').filter((line) => line.includes('setup-python')).at(-1) ?? state.log.trim().split('\n').at(-1) ?? ''
          throw new AppError('environment_missing', `${this.runner.setupCommand}${checkOnly ? ' --check' : ''} exited with code ${exitCode}: ${last}`)
        }
      }
    )
    state.jobId = job.id
    state.done = done.finally(() => {
      this.inspection = null
      this.events.changed('training-environment')
    })
    this.setupState = state
    return { jobId: job.id, done: state.done }
  }

  // ---- reading ----------------------------------------------------------------------------------------------------

  list(filter: { runId?: number } = {}): TrainingJobView[] {
    this.recoverAbandoned()
    const records = this.repo.listJobs(filter)
    return this.viewsOf(records)
  }

  plans(): TrainingPlanView[] {
    this.recoverAbandoned()
    return this.repo.listPlans().map((plan) => this.planView(plan.id))
  }

  planView(planId: number): TrainingPlanView {
    const plan = this.repo.getPlan(planId)
    return {
      id: plan.id,
      runId: plan.runId,
      preset: plan.preset,
      continueOnFailure: plan.continueOnFailure,
      status: plan.status,
      createdAt: plan.createdAt,
      finishedAt: plan.finishedAt,
      jobs: this.viewsOf(this.repo.jobsOfPlan(plan.id))
    }
  }

  view(jobId: number): TrainingJobView {
    return this.viewsOf([this.repo.getJob(jobId)])[0]!
  }

  get(jobId: number): TrainingJobDetail {
    this.recoverAbandoned()
    const record = this.repo.getJob(jobId)
    const view = this.viewsOf([record])[0]!
    const adapter = view.adapterId === null ? null : this.adapterView(this.adapters.get(view.adapterId))
    const files = this.workspace.filesOf(jobId)
    return {
      ...view,
      options: trainingOptionsSchema.parse(record.options ?? {}),
      config: record.config,
      outputDir: record.outputDir,
      trainFile: record.trainFile,
      logPath: record.logPath,
      logTail: this.workspace.readTail(record.logPath ?? (this.workspace.exists(files.logPath) ? files.logPath : null)),
      adapter
    }
  }

  /** Every logged step of a job, grouped by step (nothing dropped or sampled). */
  metrics(jobId: number): TrainingMetrics {
    this.repo.getJob(jobId)
    const names = new Set<string>()
    const points: TrainingMetrics['points'] = []
    for (const row of this.repo.metrics(jobId)) {
      names.add(row.name)
      let point = points.at(-1)
      if (!point || point.step !== row.step) {
        point = { step: row.step, values: {} }
        points.push(point)
      }
      point.values[row.name] = row.value
    }
    return { jobId, names: [...names].sort(), points }
  }

  adapterViews(filter: { role?: Role } = {}): TrainingAdapterView[] {
    return this.adapters.list(filter).map((adapter) => this.adapterView(adapter))
  }

  /** Resolves once this process has nothing queued or running. */
  whenIdle(): Promise<void> {
    if (!this.current && !this.repo.nextQueued(this.owner)) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
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
    if (lines.length === 0) throw new AppError('invalid_input', this.emptySetMessage(runId, role, stage, options), { field: 'runId' })
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
    this.pump()
    return this.view(id)
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
        `${empty.map((step) => this.emptySetMessage(runId, step.role, step.stage, step.options)).join('; ')}. ` +
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
      if (step.lines.length === 0) this.endPending(id, 'skipped', this.emptySetMessage(runId, step.role, step.stage, step.options))
    }
    for (const id of ids) {
      const job = this.repo.getJob(id)
      if (job.status === 'skipped') this.propagate(job)
    }
    this.refreshPlan(planId)
    this.events.changed('training')
    this.pump()
    return this.planView(planId)
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
      this.repo.updateJob(job.id, { status: 'queued', error: null, queuedAt, owner: this.owner, heartbeatAt: queuedAt, finishedAt: null })
    }
    for (const planId of new Set(startable.map((job) => job.planId).filter((id): id is number => id !== null))) this.refreshPlan(planId)
    this.events.changed('training')
    this.pump()
    return { queued: startable.length }
  }

  /** Cancels a queued or running job, or every unfinished step of a plan. */
  cancel(target: Target): { cancelled: number } {
    const jobs = 'jobId' in target ? [this.repo.getJob(target.jobId)] : this.repo.jobsOfPlan(this.repo.getPlan(target.planId).id)
    let cancelled = 0
    // Pending steps first, so that the running one, when it ends, finds nothing left to start or skip.
    for (const job of jobs) {
      if (!pendingStatuses.includes(job.status)) continue
      this.endPending(job.id, 'cancelled', 'cancelled before it started')
      this.propagate(this.repo.getJob(job.id))
      cancelled++
    }
    for (const job of jobs) {
      if (job.status !== 'running') continue
      if (this.current?.trainingJobId === job.id) {
        if (this.jobs.cancel(this.current.jobManagerId)) cancelled++
      } else if ('jobId' in target) {
        throw new AppError('conflict', `training job ${job.id} runs in another workbench process; cancel it there`)
      }
    }
    for (const planId of new Set(jobs.map((job) => job.planId).filter((id): id is number => id !== null))) this.refreshPlan(planId)
    this.events.changed('training')
    return { cancelled }
  }

  /** Stops this process's training: pending jobs are cancelled, the running one is asked to stop and awaited. */
  async dispose(): Promise<void> {
    if (this.closing) return
    this.closing = true
    if (this.waitTimer) clearTimeout(this.waitTimer)
    let job = this.repo.nextQueued(this.owner)
    while (job) {
      this.endPending(job.id, 'cancelled', 'not started: the workbench closed before its turn')
      if (job.planId !== null) this.refreshPlan(job.planId)
      job = this.repo.nextQueued(this.owner)
    }
    const current = this.current
    if (current) {
      this.jobs.cancel(current.jobManagerId)
      await current.done.catch(() => undefined)
    }
    if (this.setupState) await this.setupState.done.catch(() => undefined)
    if (this.heartbeat) clearInterval(this.heartbeat)
    this.heartbeat = null
    this.resolveIdle()
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

  private emptySetMessage(runId: number, role: Role, stage: TrainingStage, options: TrainingOptions): string {
    const credit = options.credit
    const setting = `θ = ${credit.threshold}, ${credit.pooling} pooling${credit.maxPairsPerParent ? `, at most ${credit.maxPairsPerParent} pairs per parent` : ''}`
    return stage === 'sft'
      ? `run ${runId} has no SFT examples for the ${role} (${setting}): none of its outputs in complete questions is labelled correct`
      : `run ${runId} has no DPO pairs for the ${role} (${setting}): no parent in a complete question has both a ✓ and a ✗ ${role} output`
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
      owner: this.owner
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
    if (spec.status === 'queued') this.ensureHeartbeat()
    return id
  }

  // ---- running ----------------------------------------------------------------------------------------------------

  /** Starts the next queued job of this process unless one is running (here or, alive, in another process). */
  private pump(): void {
    if (this.closing || this.current) return
    const next = this.repo.nextQueued(this.owner)
    if (!next) {
      this.resolveIdle()
      return
    }
    this.ensureHeartbeat()
    const elsewhere = this.repo.runningElsewhere(this.owner, this.aliveSince())
    if (elsewhere) {
      this.waitTimer ??= setTimeout(() => {
        this.waitTimer = null
        this.pump()
      }, this.waitPollMs)
      this.waitTimer.unref?.()
      return
    }
    this.startNext(next)
  }

  private startNext(record: TrainingJobRecord): void {
    let config = record.config
    if (record.stage === 'dpo' && record.dependsOnJobId !== null) {
      // A DPO step starts from its SFT step's adapter, known only now that the SFT step has ended.
      const sft = this.repo.getJob(record.dependsOnJobId)
      const adapter = sft.status === 'completed' ? this.adapterOfJob(sft.id) : null
      if (!adapter?.peftDir) {
        this.endPending(record.id, 'skipped', `its SFT step (job ${sft.id}) ${sft.status === 'completed' ? 'left no adapter' : describeEnd(sft.status)}`)
        this.propagate(this.repo.getJob(record.id))
        if (record.planId !== null) this.refreshPlan(record.planId)
        this.events.changed('training')
        queueMicrotask(() => this.pump())
        return
      }
      config = { ...config, init_adapter: adapter.peftDir, rank: null, alpha: null }
      if (record.outputDir) this.workspace.writeJson(this.workspace.filesOf(record.id).configPath, config)
    }
    const now = new Date().toISOString()
    this.repo.clearMetrics(record.id)
    this.repo.updateJob(record.id, { status: 'running', config, startedAt: now, heartbeatAt: now, finishedAt: null, error: null, step: null, totalSteps: null, result: null })
    if (record.planId !== null) this.refreshPlan(record.planId)
    const { job, done } = this.jobs.start(
      {
        kind: 'training',
        title: `Training job ${record.id}: ${record.name}`,
        unit: 'steps',
        subject: { trainingJobId: record.id, ...(record.runId !== null ? { runId: record.runId } : {}), ...(record.planId !== null ? { planId: record.planId } : {}) }
      },
      (context) => this.execute(record.id, context)
    )
    const settled = done.finally(() => {
      this.current = null
      this.pump()
    })
    this.current = { trainingJobId: record.id, jobManagerId: job.id, done: settled }
    this.events.changed('training')
  }

  private async execute(jobId: number, context: JobContext): Promise<void> {
    const record = this.repo.getJob(jobId)
    const files = this.workspace.filesOf(jobId)
    const logPath = record.logPath ?? files.logPath
    this.workspace.appendLog(logPath, `--- ${new Date().toISOString()} workbench: starting ${record.name} (training job ${jobId}) ---`)
    const options = trainingOptionsSchema.parse(record.options ?? {})
    // The facts of the runner's started, data and plan events, kept in the job's result beside the finished event.
    const seen: Record<string, Record<string, unknown>> = {}
    try {
      const finished = await this.runner.train({
        configPath: files.configPath,
        logPath,
        signal: context.signal,
        onEvent: (event) => {
          const facts = this.onRunnerEvent(jobId, event, context, seen)
          if (facts) seen[event.type] = facts
        },
        ...(options.launcher === 'accelerate'
          ? { launcher: { kind: 'accelerate' as const, numProcesses: options.numProcesses, configFile: options.accelerateConfig } }
          : {})
      })
      const adapter = this.registerAdapter(this.repo.getJob(jobId), finished)
      this.repo.updateJob(jobId, {
        status: 'completed',
        step: finished.steps,
        result: { ...seen, finished: resultOf(finished) },
        finishedAt: new Date().toISOString()
      })
      context.log('info', `training job ${jobId} finished: adapter ${adapter.id} (${adapter.ggufPath})`)
      this.events.changed('adapters')
    } catch (error) {
      const cancelled = context.signal.aborted || (error instanceof AppError && error.code === 'cancelled')
      const message = cancelled && this.closing ? 'cancelled: the workbench closed while it ran' : serializeError(error).message
      this.repo.updateJob(jobId, { status: cancelled ? 'cancelled' : 'failed', error: message, result: Object.keys(seen).length > 0 ? seen : null, finishedAt: new Date().toISOString() })
      this.workspace.appendLog(logPath, `--- ${new Date().toISOString()} workbench: ${cancelled ? 'cancelled' : 'failed'}: ${message.split('\n')[0]} ---`)
      this.afterJob(jobId)
      throw error
    }
    this.afterJob(jobId)
  }

  /** Stores and forwards one runner event; returns the facts of a `started`, `data` or `plan` event. */
  private onRunnerEvent(jobId: number, event: RunnerEvent, context: JobContext, seen: Record<string, Record<string, unknown>>): Record<string, unknown> | null {
    switch (event.type) {
      case 'data': {
        const facts = dataFactsOf(event)
        this.repo.updateJob(jobId, { result: { ...seen, data: facts } })
        if (event.prompts_truncated > 0 || event.dropped > 0) context.log('warn', `training job ${jobId}: ${describeDataFit(facts)}`)
        this.events.changed('training')
        return facts
      }
      case 'plan': {
        const facts = planFactsOf(event)
        this.repo.updateJob(jobId, { result: { ...seen, plan: facts } })
        context.log('info', `training job ${jobId}: ${describePlan(facts)}`)
        return facts
      }
      case 'started': {
        const facts = {
          device: event.device,
          deviceName: event.device_name,
          dtype: event.dtype,
          trainExamples: event.train_examples,
          loraRank: event.lora.r,
          loraAlpha: event.lora.lora_alpha,
          runnerVersion: event.runner_version,
          pid: event.pid
        }
        this.repo.updateJob(jobId, { result: { ...seen, started: facts } })
        context.detail({ device: event.device_name, dtype: event.dtype, examples: event.train_examples })
        this.events.changed('training')
        return facts
      }
      case 'progress':
        this.repo.updateJob(jobId, { step: event.step, totalSteps: event.total_steps, heartbeatAt: new Date().toISOString() })
        context.progress(event.step, event.total_steps)
        if (event.step === 0) this.events.changed('training')
        return null
      case 'metrics': {
        const { type: _type, time: _time, step, ...values } = event
        this.repo.insertMetrics(jobId, step, values)
        this.events.emit({ type: 'training.metrics', jobId, step, values })
        const tokensPerSecond = values['perf/tokens_per_second']
        context.detail({
          loss: values.loss ?? null,
          ...(typeof tokensPerSecond === 'number' ? { tokensPerSecond: Math.round(tokensPerSecond) } : {})
        })
        return null
      }
      case 'checkpoint':
        context.log('info', `training job ${jobId}: checkpoint at step ${event.step} (${event.path})`)
        return null
      default:
        return null
    }
  }

  private registerAdapter(record: TrainingJobRecord, finished: FinishedEvent): AdapterRecord {
    if (!finished.gguf_path || !this.workspace.isFile(finished.gguf_path)) {
      throw new AppError('runner_failed', `the runner finished but wrote no GGUF adapter (expected ${finished.gguf_path ?? `${record.outputDir}/adapter.gguf`})`)
    }
    return this.adapters.register({
      name: `run-${record.runId ?? 'x'}/${record.role}/${record.stage}#${record.id}`,
      role: record.role,
      stage: record.stage,
      baseModelPath: record.baseModelPath,
      ggufPath: finished.gguf_path,
      peftDir: finished.adapter_dir,
      trainingJobId: record.id,
      runId: record.runId
    })
  }

  private afterJob(jobId: number): void {
    const job = this.repo.getJob(jobId)
    this.propagate(job)
    if (job.planId !== null) this.refreshPlan(job.planId)
    this.events.changed('training')
  }

  // ---- plans ------------------------------------------------------------------------------------------------------

  /**
   * After a step ended without success: its DPO step is skipped, and without continueOnFailure every later pending
   * step too. Skips propagate in turn.
   */
  private propagate(ended: TrainingJobRecord): void {
    if (ended.status === 'completed' || ended.planId === null) return
    const plan = this.repo.getPlan(ended.planId)
    for (const later of this.repo.jobsOfPlan(plan.id)) {
      if (later.planOrder <= ended.planOrder || !pendingStatuses.includes(later.status)) continue
      let reason: string | null = null
      if (later.dependsOnJobId === ended.id) reason = `its SFT step (job ${ended.id}) ${describeEnd(ended.status)}`
      else if (!plan.continueOnFailure) {
        reason = `step ${ended.planOrder + 1} (job ${ended.id}, ${ended.role} ${stageLabel(ended.stage)}) ${describeEnd(ended.status)} and this plan stops at a failure`
      }
      if (reason === null) continue
      this.endPending(later.id, 'skipped', reason)
      this.propagate(this.repo.getJob(later.id))
    }
  }

  private refreshPlan(planId: number): void {
    const plan = this.repo.getPlan(planId)
    const statuses = this.repo.jobsOfPlan(planId).map((job) => job.status)
    let status: TrainingPlanStatus
    if (statuses.includes('running')) status = 'running'
    else if (statuses.includes('queued')) status = 'queued'
    else if (statuses.includes('created')) status = 'created'
    else if (statuses.every((s) => s === 'completed')) status = 'completed'
    else if (statuses.some((s) => s === 'failed' || s === 'skipped')) status = 'failed'
    else status = 'cancelled'
    const ended = status === 'completed' || status === 'failed' || status === 'cancelled'
    this.repo.setPlanStatus(planId, status, ended ? (plan.finishedAt ?? new Date().toISOString()) : null)
  }

  /** Ends a job that never ran (cancelled or skipped), noting why in its log. */
  private endPending(jobId: number, status: 'cancelled' | 'skipped', reason: string): void {
    const now = new Date().toISOString()
    this.repo.updateJob(jobId, { status, error: reason, finishedAt: now })
    const logPath = this.repo.getJob(jobId).logPath
    if (logPath) {
      try {
        this.workspace.appendLog(logPath, `--- ${now} workbench: ${status}: ${reason} ---`)
      } catch {
        // the log is a courtesy; the status and reason are in the store
      }
    }
  }

  // ---- liveness ---------------------------------------------------------------------------------------------------

  /**
   * Jobs whose process went silent (a crash, a kill, a closed laptop lid that never came back): a running one is
   * failed as interrupted, a queued one cancelled. Jobs of live processes, this one included, are left alone.
   */
  private recoverAbandoned(): void {
    const stale = this.repo.staleJobs(new Date(Date.now() - this.staleAfterMs).toISOString())
    if (stale.length === 0) return
    const plans = new Set<number>()
    for (const job of stale) {
      if (job.owner === this.owner && !this.closing) continue
      const now = new Date().toISOString()
      if (job.status === 'running') {
        const error = `interrupted: the workbench process running it stopped (last heard of ${job.heartbeatAt ?? job.startedAt ?? 'never'}); its partial output was not kept`
        this.repo.updateJob(job.id, { status: 'failed', error, finishedAt: now })
      } else {
        this.endPending(job.id, 'cancelled', 'not started: the workbench process that queued it stopped')
      }
      this.propagate(this.repo.getJob(job.id))
      if (job.planId !== null) plans.add(job.planId)
    }
    for (const planId of plans) this.refreshPlan(planId)
  }

  private ensureHeartbeat(): void {
    if (this.heartbeat || this.closing) return
    const beat = () => {
      const touched = this.repo.touch(this.owner, new Date().toISOString())
      if (touched === 0 && !this.current && this.heartbeat) {
        clearInterval(this.heartbeat)
        this.heartbeat = null
      }
    }
    beat()
    this.heartbeat = setInterval(beat, this.heartbeatMs)
    this.heartbeat.unref?.()
  }

  private aliveSince(): string {
    return new Date(Date.now() - this.staleAfterMs).toISOString()
  }

  private resolveIdle(): void {
    const waiters = this.idleWaiters
    this.idleWaiters = []
    for (const resolve of waiters) resolve()
  }

  // ---- views ------------------------------------------------------------------------------------------------------

  private viewsOf(records: TrainingJobRecord[]): TrainingJobView[] {
    const losses = this.repo.lastLosses(records.map((record) => record.id))
    const runNames = new Map<number, string | null>()
    const adapterByJob = new Map<number, number>()
    for (const adapter of this.adapters.list()) if (adapter.trainingJobId !== null) adapterByJob.set(adapter.trainingJobId, adapter.id)
    return records.map((record) => {
      if (record.runId !== null && !runNames.has(record.runId)) {
        let name: string | null = null
        try {
          name = this.runRecords.get(record.runId).name
        } catch {
          name = null
        }
        runNames.set(record.runId, name)
      }
      const result = (record.result ?? {}) as {
        started?: TrainingJobView['started']
        data?: TrainingJobView['data']
        plan?: TrainingJobView['plan']
        finished?: TrainingResult
      }
      return {
        id: record.id,
        name: record.name,
        planId: record.planId,
        planOrder: record.planOrder,
        runId: record.runId,
        runName: record.runId === null ? null : (runNames.get(record.runId) ?? null),
        role: record.role,
        stage: record.stage,
        status: record.status,
        error: record.error,
        baseModelPath: record.baseModelPath,
        trainExamples: record.trainExamples,
        dependsOnJobId: record.dependsOnJobId,
        step: record.step,
        totalSteps: record.totalSteps,
        loss: losses.get(record.id) ?? null,
        createdAt: record.createdAt,
        startedAt: record.startedAt,
        finishedAt: record.finishedAt,
        jobId: this.current?.trainingJobId === record.id ? this.current.jobManagerId : null,
        adapterId: adapterByJob.get(record.id) ?? null,
        started: result.started ?? null,
        data: result.data ?? null,
        plan: result.plan ?? null,
        result: result.finished ?? null
      }
    })
  }

  private adapterOfJob(jobId: number): AdapterRecord | null {
    return this.adapters.list().find((adapter) => adapter.trainingJobId === jobId) ?? null
  }

  private adapterView(adapter: AdapterRecord): TrainingAdapterView {
    return {
      id: adapter.id,
      name: adapter.name,
      role: adapter.role,
      stage: adapter.stage,
      runId: adapter.runId,
      trainingJobId: adapter.trainingJobId,
      baseModelPath: adapter.baseModelPath,
      ggufPath: adapter.ggufPath,
      peftDir: adapter.peftDir,
      createdAt: adapter.createdAt,
      exists: this.workspace.isFile(adapter.ggufPath)
    }
  }
}

function describeEnd(status: TrainingJobStatus): string {
  switch (status) {
    case 'failed':
      return 'failed'
    case 'cancelled':
      return 'was cancelled'
    case 'skipped':
      return 'was skipped'
    default:
      return `is ${status}`
  }
}

function withDpoOverrides(options: TrainingOptions, overrides: DpoOverrides | undefined): TrainingOptions {
  const merged: TrainingOptions = { ...options, rank: undefined, alpha: undefined }
  if (!overrides) return merged
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value
  }
  return merged
}

function dataFactsOf(event: DataEvent): TrainingDataFacts {
  return {
    examples: event.examples,
    kept: event.kept,
    maxLength: event.max_length,
    appliedMaxLength: event.applied_max_length,
    longestTokens: event.longest_tokens,
    promptsTruncated: event.prompts_truncated,
    promptTokensRemoved: event.prompt_tokens_removed,
    dropped: event.dropped,
    truncatedLines: event.truncated_lines,
    droppedLines: event.dropped_lines,
    trainExamples: event.train_examples,
    evalExamples: event.eval_examples
  }
}

function planFactsOf(event: PlanEvent): TrainingPlanFacts {
  return {
    effectiveBatchSize: event.effective_batch_size,
    microBatchSize: event.micro_batch_size,
    gradientAccumulationSteps: event.gradient_accumulation_steps,
    gradientCheckpointing: event.gradient_checkpointing,
    worldSize: event.world_size,
    paddingFree: event.padding_free,
    attention: event.attention,
    reason: event.plan_reason
  }
}

function resultOf(finished: FinishedEvent): TrainingResult {
  return {
    steps: finished.steps,
    trainLoss: finished.train_loss,
    trainTokens: finished.train_tokens,
    trainRuntimeSeconds: finished.train_runtime_s,
    tokensPerSecond: finished.tokens_per_second,
    outsideFwdBwdFraction: finished.outside_fwd_bwd_fraction,
    mfu: finished.mfu,
    bestEvalLoss: finished.best_eval_loss,
    bestStep: finished.best_step,
    stoppedEarly: finished.stopped_early,
    loadSeconds: finished.load_seconds,
    exportSeconds: finished.export_seconds,
    totalSeconds: finished.total_seconds
  }
}
