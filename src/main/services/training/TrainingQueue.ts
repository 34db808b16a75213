import type { EventBus } from '../EventBus'
import type { JobManager } from '../JobManager'
import type { TrainingJobRecord, TrainingRepository } from '../ports/TrainingRepository'
import type { PlanBookkeeping } from './PlanBookkeeping'

export interface TrainingQueueOptions {
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

/** The job a queue runs: its JobManager job and when it has ended, or null when it was skipped instead. */
export type StartTrainingJob = (record: TrainingJobRecord) => { jobManagerId: string; done: Promise<void> } | null

/**
 * The liveness of the training queue in the store, shared by every workbench process on one database: this process
 * runs its own queued jobs one at a time (and none while another live process runs one), marks them alive with a
 * heartbeat, and ends the jobs of processes that went silent (a crash, a kill, a closed laptop lid).
 */
export class TrainingQueue {
  /** This process, as the owner of the jobs it queued. */
  readonly owner = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
  private current: { trainingJobId: number; jobManagerId: string; done: Promise<void> } | null = null
  private heartbeat: ReturnType<typeof setInterval> | null = null
  private waitTimer: ReturnType<typeof setTimeout> | null = null
  private idleWaiters: (() => void)[] = []
  private closingNow = false
  private readonly heartbeatMs: number
  private readonly staleAfterMs: number
  private readonly waitPollMs: number

  constructor(
    private readonly repo: TrainingRepository,
    private readonly plans: PlanBookkeeping,
    private readonly jobs: JobManager,
    private readonly events: EventBus,
    private readonly startJob: StartTrainingJob,
    options: TrainingQueueOptions = {}
  ) {
    this.heartbeatMs = options.heartbeatMs ?? 5_000
    this.staleAfterMs = options.staleAfterMs ?? 30_000
    this.waitPollMs = options.waitPollMs ?? 2_000
  }

  /** Whether this process is closing (its running job is being cancelled for that). */
  get closing(): boolean {
    return this.closingNow
  }

  /** The job running in this process, if any. */
  running(): { trainingJobId: number; jobManagerId: string } | null {
    return this.current
  }

  /** Asks the job running here to stop, if it is this one. */
  cancelRunning(trainingJobId: number): boolean {
    return this.current?.trainingJobId === trainingJobId ? this.jobs.cancel(this.current.jobManagerId) : false
  }

  /** Resolves once this process has nothing queued or running. */
  whenIdle(): Promise<void> {
    if (!this.current && !this.repo.nextQueued(this.owner)) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  /** Starts the next queued job of this process unless one is running (here or, alive, in another process). */
  pump(): void {
    if (this.closingNow || this.current) return
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
    const started = this.startJob(next)
    if (!started) {
      queueMicrotask(() => this.pump())
      return
    }
    const settled = started.done.finally(() => {
      this.current = null
      this.pump()
    })
    this.current = { trainingJobId: next.id, jobManagerId: started.jobManagerId, done: settled }
    this.events.changed('training')
  }

  /** Keeps this process's queued and running jobs marked alive while it has any. */
  ensureHeartbeat(): void {
    if (this.heartbeat || this.closingNow) return
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

  /**
   * Jobs whose process went silent: a running one is failed as interrupted, a queued one cancelled. Jobs of live
   * processes, this one included, are left alone.
   */
  recoverAbandoned(): void {
    const stale = this.repo.staleJobs(new Date(Date.now() - this.staleAfterMs).toISOString())
    if (stale.length === 0) return
    const plans = new Set<number>()
    for (const job of stale) {
      if (job.owner === this.owner && !this.closingNow) continue
      const now = new Date().toISOString()
      if (job.status === 'running') {
        const error = `interrupted: the workbench process running it stopped (last heard of ${job.heartbeatAt ?? job.startedAt ?? 'never'}); its partial output was not kept`
        this.repo.updateJob(job.id, { status: 'failed', error, finishedAt: now })
      } else {
        this.plans.endPending(job.id, 'cancelled', 'not started: the workbench process that queued it stopped')
      }
      this.plans.propagate(this.repo.getJob(job.id))
      if (job.planId !== null) plans.add(job.planId)
    }
    for (const planId of plans) this.plans.refreshPlan(planId)
  }

  /** Stops this process's training: its pending jobs are cancelled, the running one is asked to stop and awaited. */
  async dispose(): Promise<void> {
    if (this.closingNow) return
    this.closingNow = true
    if (this.waitTimer) clearTimeout(this.waitTimer)
    let job = this.repo.nextQueued(this.owner)
    while (job) {
      this.plans.endPending(job.id, 'cancelled', 'not started: the workbench closed before its turn')
      if (job.planId !== null) this.plans.refreshPlan(job.planId)
      job = this.repo.nextQueued(this.owner)
    }
    const current = this.current
    if (current) {
      this.jobs.cancel(current.jobManagerId)
      await current.done.catch(() => undefined)
    }
    if (this.heartbeat) clearInterval(this.heartbeat)
    this.heartbeat = null
    this.resolveIdle()
  }

  private aliveSince(): string {
    return new Date(Date.now() - this.staleAfterMs).toISOString()
  }

  private resolveIdle(): void {
    const waiters = this.idleWaiters
    this.idleWaiters = []
    for (const resolve of waiters) resolve()
  }
}
