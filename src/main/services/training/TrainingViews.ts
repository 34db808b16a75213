import type {
  TrainingAdapterView,
  TrainingJobDetail,
  TrainingJobView,
  TrainingMetrics,
  TrainingPlanView,
  TrainingResult
} from '@shared/api/schemas/training'
import { trainingOptionsSchema } from '@shared/api/schemas/training'
import type { Role } from '@shared/roles'
import type { AdapterRecord, AdapterRepository } from '../ports/AdapterRepository'
import type { RunRepository } from '../ports/RunRepository'
import type { TrainingJobRecord, TrainingRepository } from '../ports/TrainingRepository'
import type { TrainingWorkspace } from '../ports/TrainingWorkspace'

/** Training jobs, plans, metrics and adapters as the API shows them, from the store and the jobs' folders. */
export class TrainingViews {
  constructor(
    private readonly repo: TrainingRepository,
    private readonly runRecords: RunRepository,
    private readonly adapters: AdapterRepository,
    private readonly workspace: TrainingWorkspace,
    /** The training job running in this process and its JobManager job (progress, ETA), if any. */
    private readonly current: () => { trainingJobId: number; jobManagerId: string } | null
  ) {}

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

  viewsOf(records: TrainingJobRecord[]): TrainingJobView[] {
    const losses = this.repo.lastLosses(records.map((record) => record.id))
    const runNames = new Map<number, string | null>()
    const adapterByJob = new Map<number, number>()
    for (const adapter of this.adapters.list()) if (adapter.trainingJobId !== null) adapterByJob.set(adapter.trainingJobId, adapter.id)
    const current = this.current()
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
        jobId: current?.trainingJobId === record.id ? current.jobManagerId : null,
        adapterId: adapterByJob.get(record.id) ?? null,
        started: result.started ?? null,
        data: result.data ?? null,
        plan: result.plan ?? null,
        result: result.finished ?? null
      }
    })
  }

  adapterOfJob(jobId: number): AdapterRecord | null {
    return this.adapters.list().find((adapter) => adapter.trainingJobId === jobId) ?? null
  }

  adapterView(adapter: AdapterRecord): TrainingAdapterView {
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

