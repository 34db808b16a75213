import type { Role } from '@shared/roles'
import type { TrainingJobStatus, TrainingPlanStatus, TrainingStage } from '@shared/api/schemas/training'
import { NotFoundError } from '@shared/errors/NotFoundError'
import type {
  NewTrainingJob,
  TrainingJobPatch,
  TrainingJobRecord,
  TrainingPlanRecord,
  TrainingRepository
} from '../../services/ports/TrainingRepository'
import type { WorkbenchDatabase } from './WorkbenchDatabase'

interface JobRow {
  id: number
  plan_id: number | null
  plan_order: number
  run_id: number | null
  role: Role
  stage: TrainingStage
  name: string
  options_json: string
  config_json: string
  base_model_path: string
  train_file: string | null
  train_examples: number | null
  depends_on_job_id: number | null
  status: TrainingJobStatus
  error: string | null
  log_path: string | null
  output_dir: string | null
  step: number | null
  total_steps: number | null
  result_json: string | null
  owner: string | null
  heartbeat_at: string | null
  queued_at: string | null
  created_at: string
  started_at: string | null
  finished_at: string | null
}

interface PlanRow {
  id: number
  run_id: number | null
  preset: string
  continue_on_failure: number
  options_json: string
  status: TrainingPlanStatus
  created_at: string
  finished_at: string | null
}

const patchColumns: Record<keyof TrainingJobPatch, string> = {
  status: 'status',
  error: 'error',
  config: 'config_json',
  trainFile: 'train_file',
  trainExamples: 'train_examples',
  logPath: 'log_path',
  outputDir: 'output_dir',
  step: 'step',
  totalSteps: 'total_steps',
  result: 'result_json',
  owner: 'owner',
  heartbeatAt: 'heartbeat_at',
  queuedAt: 'queued_at',
  startedAt: 'started_at',
  finishedAt: 'finished_at'
}

const toJob = (row: JobRow): TrainingJobRecord => ({
  id: row.id,
  planId: row.plan_id,
  planOrder: row.plan_order,
  runId: row.run_id,
  role: row.role,
  stage: row.stage,
  name: row.name,
  options: JSON.parse(row.options_json) as unknown,
  config: JSON.parse(row.config_json) as Record<string, unknown>,
  baseModelPath: row.base_model_path,
  trainFile: row.train_file,
  trainExamples: row.train_examples,
  dependsOnJobId: row.depends_on_job_id,
  status: row.status,
  error: row.error,
  logPath: row.log_path,
  outputDir: row.output_dir,
  step: row.step,
  totalSteps: row.total_steps,
  result: row.result_json ? (JSON.parse(row.result_json) as Record<string, unknown>) : null,
  owner: row.owner,
  heartbeatAt: row.heartbeat_at,
  queuedAt: row.queued_at,
  createdAt: row.created_at,
  startedAt: row.started_at,
  finishedAt: row.finished_at
})

const toPlan = (row: PlanRow): TrainingPlanRecord => ({
  id: row.id,
  runId: row.run_id,
  preset: row.preset,
  continueOnFailure: row.continue_on_failure === 1,
  options: JSON.parse(row.options_json) as unknown,
  status: row.status,
  createdAt: row.created_at,
  finishedAt: row.finished_at
})

/** Training plans, jobs and their metrics by step (m003), in SQLite. */
export class SqliteTrainingRepository implements TrainingRepository {
  constructor(private readonly store: WorkbenchDatabase) {}

  // ---- plans ------------------------------------------------------------------------------------------------------

  createPlan(input: { runId: number | null; preset: string; continueOnFailure: boolean; options: unknown; status: TrainingPlanStatus }): number {
    const result = this.store.db
      .prepare('INSERT INTO training_plans (run_id, preset, continue_on_failure, options_json, status, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(input.runId, input.preset, input.continueOnFailure ? 1 : 0, JSON.stringify(input.options ?? {}), input.status, new Date().toISOString())
    return Number(result.lastInsertRowid)
  }

  getPlan(id: number): TrainingPlanRecord {
    const row = this.store.db.prepare('SELECT * FROM training_plans WHERE id = ?').get(id) as PlanRow | undefined
    if (!row) throw new NotFoundError('training plan', id)
    return toPlan(row)
  }

  listPlans(): TrainingPlanRecord[] {
    return (this.store.db.prepare('SELECT * FROM training_plans ORDER BY id DESC').all() as PlanRow[]).map(toPlan)
  }

  setPlanStatus(id: number, status: TrainingPlanStatus, finishedAt: string | null): void {
    this.store.db.prepare('UPDATE training_plans SET status = ?, finished_at = ? WHERE id = ?').run(status, finishedAt, id)
  }

  // ---- jobs -------------------------------------------------------------------------------------------------------

  createJob(input: NewTrainingJob): number {
    const result = this.store.db
      .prepare(
        `INSERT INTO training_jobs (plan_id, plan_order, run_id, role, stage, name, options_json, config_json, base_model_path,
           depends_on_job_id, status, owner, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
      )
      .run(
        input.planId,
        input.planOrder,
        input.runId,
        input.role,
        input.stage,
        input.name,
        JSON.stringify(input.options ?? {}),
        JSON.stringify(input.config),
        input.baseModelPath,
        input.dependsOnJobId,
        input.status,
        input.owner,
        new Date().toISOString()
      )
    return Number(result.lastInsertRowid)
  }

  getJob(id: number): TrainingJobRecord {
    const row = this.store.db.prepare('SELECT * FROM training_jobs WHERE id = ?').get(id) as JobRow | undefined
    if (!row) throw new NotFoundError('training job', id)
    return toJob(row)
  }

  listJobs(filter: { runId?: number } = {}): TrainingJobRecord[] {
    const rows = this.store.db
      .prepare('SELECT * FROM training_jobs WHERE (@runId IS NULL OR run_id = @runId) ORDER BY id DESC')
      .all({ runId: filter.runId ?? null }) as JobRow[]
    return rows.map(toJob)
  }

  jobsOfPlan(planId: number): TrainingJobRecord[] {
    return (this.store.db.prepare('SELECT * FROM training_jobs WHERE plan_id = ? ORDER BY plan_order, id').all(planId) as JobRow[]).map(toJob)
  }

  updateJob(id: number, patch: TrainingJobPatch): void {
    const sets: string[] = []
    const values: unknown[] = []
    for (const [key, column] of Object.entries(patchColumns) as [keyof TrainingJobPatch, string][]) {
      const value = patch[key]
      if (value === undefined) continue
      sets.push(`${column} = ?`)
      values.push((key === 'config' || key === 'result') && value !== null ? JSON.stringify(value) : value)
    }
    if (sets.length === 0) return
    this.store.db.prepare(`UPDATE training_jobs SET ${sets.join(', ')} WHERE id = ?`).run(...values, id)
  }

  /** The next queued job of this owner, oldest queue entry first. */
  nextQueued(owner: string): TrainingJobRecord | null {
    const row = this.store.db
      .prepare("SELECT * FROM training_jobs WHERE status = 'queued' AND owner = ? ORDER BY queued_at, plan_order, id LIMIT 1")
      .get(owner) as JobRow | undefined
    return row ? toJob(row) : null
  }

  /** A job running in another live process (heard of since `aliveSince`), if any. */
  runningElsewhere(owner: string, aliveSince: string): TrainingJobRecord | null {
    const row = this.store.db
      .prepare("SELECT * FROM training_jobs WHERE status = 'running' AND (owner IS NULL OR owner != ?) AND heartbeat_at >= ? LIMIT 1")
      .get(owner, aliveSince) as JobRow | undefined
    return row ? toJob(row) : null
  }

  /** Marks this owner's queued and running jobs alive. */
  touch(owner: string, now: string): number {
    return this.store.db.prepare("UPDATE training_jobs SET heartbeat_at = ? WHERE owner = ? AND status IN ('queued', 'running')").run(now, owner).changes
  }

  /** Queued or running jobs whose owner has been silent since before `staleBefore` (a crashed or closed process). */
  staleJobs(staleBefore: string): TrainingJobRecord[] {
    const rows = this.store.db
      .prepare("SELECT * FROM training_jobs WHERE status IN ('queued', 'running') AND (heartbeat_at IS NULL OR heartbeat_at < ?) ORDER BY id")
      .all(staleBefore) as JobRow[]
    return rows.map(toJob)
  }

  // ---- metrics ----------------------------------------------------------------------------------------------------

  /** One logged step: every value under its trl name (null for a non-finite number). */
  insertMetrics(jobId: number, step: number, values: Record<string, number | null>): void {
    const insert = this.store.db.prepare('INSERT OR REPLACE INTO training_metrics (job_id, step, name, value) VALUES (?, ?, ?, ?)')
    this.store.transaction(() => {
      for (const [name, value] of Object.entries(values)) insert.run(jobId, step, name, value)
    })
  }

  metrics(jobId: number): { step: number; name: string; value: number | null }[] {
    return this.store.db.prepare('SELECT step, name, value FROM training_metrics WHERE job_id = ? ORDER BY step, name').all(jobId) as {
      step: number
      name: string
      value: number | null
    }[]
  }

  /** The last logged loss of each of these jobs. */
  lastLosses(jobIds: number[]): Map<number, number | null> {
    const out = new Map<number, number | null>()
    if (jobIds.length === 0) return out
    const rows = this.store.db
      .prepare(
        `SELECT m.job_id AS jobId, m.value AS value FROM training_metrics m
         JOIN (SELECT job_id, MAX(step) AS step FROM training_metrics WHERE name = 'loss' AND job_id IN (SELECT value FROM json_each(?)) GROUP BY job_id) last
           ON last.job_id = m.job_id AND last.step = m.step
         WHERE m.name = 'loss'`
      )
      .all(JSON.stringify(jobIds)) as { jobId: number; value: number | null }[]
    for (const row of rows) out.set(row.jobId, row.value)
    return out
  }

  clearMetrics(jobId: number): void {
    this.store.db.prepare('DELETE FROM training_metrics WHERE job_id = ?').run(jobId)
  }
}
