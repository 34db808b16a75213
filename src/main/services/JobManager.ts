import type { JobSnapshot, JobStatus } from '@shared/api/schemas/jobs'
import { serializeError } from '@shared/errors'
import { CancelledError } from '@shared/errors/CancelledError'
import type { EventBus } from './EventBus'

type JobKind = JobSnapshot['kind']

/** What a running job can do: report progress, publish figures, log, and notice that it was cancelled. */
export interface JobContext {
  readonly id: string
  readonly signal: AbortSignal
  progress(done: number, total?: number | null): void
  detail(values: Record<string, number | string | null>): void
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void
  /** Marks the job paused (a resumable stop) instead of cancelled when it ends because of the signal. */
  markPaused(): void
}

export interface StartJobOptions {
  kind: JobKind
  title: string
  unit: string
  total?: number | null
  subject?: Record<string, number | string>
}

interface JobState {
  snapshot: JobSnapshot
  controller: AbortController
  paused: boolean
  /** (time ms, done) samples over the last minute, for the rate and the ETA. */
  samples: { time: number; done: number }[]
  lastEmit: number
  /** A throttled update waiting to be sent, so the last progress is never lost. */
  trailingEmit: ReturnType<typeof setTimeout> | null
  promise: Promise<void>
}

/** How often a job's progress is pushed to clients; a tree search reports many times a second. */
const emitIntervalMs = 250
const rateWindowMs = 60_000

/**
 * Runs long work (generation runs, training, evaluations, downloads) in the background of the service process and
 * keeps a snapshot of each for every client: status, progress, rate, ETA, error. The work itself stores its results;
 * this class only tracks and cancels.
 */
export class JobManager {
  private readonly jobs = new Map<string, JobState>()
  private nextId = 1

  constructor(private readonly events: EventBus) {}

  list(): JobSnapshot[] {
    return [...this.jobs.values()].map((job) => job.snapshot)
  }

  get(id: string): JobSnapshot | undefined {
    return this.jobs.get(id)?.snapshot
  }

  /** Starts `work` now and returns its snapshot; `done` resolves when it ends, however it ends. */
  start(options: StartJobOptions, work: (job: JobContext) => Promise<void>): { job: JobSnapshot; done: Promise<void> } {
    const id = `${options.kind}-${this.nextId++}`
    const controller = new AbortController()
    const state: JobState = {
      snapshot: {
        id,
        kind: options.kind,
        title: options.title,
        status: 'running',
        done: 0,
        total: options.total ?? null,
        unit: options.unit,
        rate: null,
        etaSeconds: null,
        startedAt: new Date().toISOString(),
        finishedAt: null,
        error: null,
        detail: {},
        subject: options.subject ?? {}
      },
      controller,
      paused: false,
      samples: [],
      lastEmit: 0,
      trailingEmit: null,
      promise: Promise.resolve()
    }
    this.jobs.set(id, state)
    const context: JobContext = {
      id,
      signal: controller.signal,
      progress: (done, total) => this.progress(state, done, total),
      detail: (values) => {
        state.snapshot = { ...state.snapshot, detail: { ...state.snapshot.detail, ...values } }
        this.emit(state)
      },
      log: (level, message) => this.events.log(options.kind, level, message, id),
      markPaused: () => {
        state.paused = true
      }
    }
    this.emit(state, true)
    state.promise = (async () => {
      try {
        await work(context)
        this.finish(state, controller.signal.aborted ? (state.paused ? 'paused' : 'cancelled') : 'completed')
      } catch (error) {
        const aborted = controller.signal.aborted || error instanceof CancelledError
        if (aborted) this.finish(state, state.paused ? 'paused' : 'cancelled')
        else this.finish(state, 'failed', error)
      }
    })()
    return { job: state.snapshot, done: state.promise }
  }

  cancel(id: string, options: { pause?: boolean } = {}): boolean {
    const state = this.jobs.get(id)
    if (!state || (state.snapshot.status !== 'running' && state.snapshot.status !== 'queued')) return false
    state.paused = options.pause === true
    state.controller.abort(new CancelledError(options.pause ? 'paused' : 'cancelled by the user', options.pause === true))
    return true
  }

  /** Cancels every running job and waits for all of them to wind down (app quit, server stop). */
  async cancelAll(): Promise<void> {
    for (const id of this.jobs.keys()) this.cancel(id, { pause: true })
    await Promise.all([...this.jobs.values()].map((job) => job.promise))
  }

  private progress(state: JobState, done: number, total?: number | null): void {
    const now = Date.now()
    state.samples.push({ time: now, done })
    while (state.samples.length > 2 && now - state.samples[0]!.time > rateWindowMs) state.samples.shift()
    const first = state.samples[0]!
    const elapsed = (now - first.time) / 1000
    const rate = elapsed > 0.5 ? (done - first.done) / elapsed : state.snapshot.rate
    const nextTotal = total === undefined ? state.snapshot.total : total
    const etaSeconds = rate && rate > 0 && nextTotal !== null ? Math.max(0, (nextTotal - done) / rate) : null
    state.snapshot = { ...state.snapshot, done, total: nextTotal, rate, etaSeconds }
    this.emit(state)
  }

  private finish(state: JobState, status: JobStatus, error?: unknown): void {
    const serialized = error === undefined ? null : serializeError(error)
    state.snapshot = {
      ...state.snapshot,
      status,
      etaSeconds: null,
      finishedAt: new Date().toISOString(),
      error: serialized ? { code: serialized.code, message: serialized.message } : null
    }
    if (serialized) this.events.log(state.snapshot.kind, 'error', serialized.message, state.snapshot.id)
    this.emit(state, true)
  }

  private emit(state: JobState, force = false): void {
    const now = Date.now()
    if (!force && now - state.lastEmit < emitIntervalMs) {
      state.trailingEmit ??= setTimeout(() => this.emit(state, true), emitIntervalMs - (now - state.lastEmit))
      return
    }
    if (state.trailingEmit) clearTimeout(state.trailingEmit)
    state.trailingEmit = null
    state.lastEmit = now
    this.events.emit({ type: 'job.updated', job: state.snapshot })
  }
}
