import { AppError } from '@shared/errors'
import type { EventBus } from './EventBus'
import type { JobContext, JobManager, StartJobOptions } from './JobManager'

/**
 * At most one background job per subject (a generation run, an evaluation) in this process: the work that resumes
 * a stored subject, its pause, and a promise for "nothing of it runs here", which removal and tests wait on.
 * Both resumable services keep this bookkeeping the same way, so it lives here once.
 */
export class SubjectJobs {
  private readonly jobIds = new Map<number, string>()
  private readonly settled = new Map<number, Promise<void>>()

  /**
   * @param noun how errors name a subject ("run", "evaluation")
   * @param collection the store collection announced as changed when a job starts or ends
   */
  constructor(
    private readonly jobs: JobManager,
    private readonly events: EventBus,
    private readonly noun: string,
    private readonly collection: string
  ) {}

  /** The job working on the subject in this process, if any. */
  jobIdOf(subjectId: number): string | null {
    return this.jobIds.get(subjectId) ?? null
  }

  isRunning(subjectId: number): boolean {
    return this.jobIds.has(subjectId)
  }

  /** Refuses (conflict) when the subject already has a job here. */
  assertIdle(subjectId: number, whatFor = 'already running'): void {
    if (this.jobIds.has(subjectId)) throw new AppError('conflict', `${this.noun} ${subjectId} is ${whatFor}`)
  }

  /** Starts the subject's job; `done` resolves once it has ended and the bookkeeping is cleared. */
  start(subjectId: number, options: StartJobOptions, work: (context: JobContext) => Promise<void>): { jobId: string; done: Promise<void> } {
    this.assertIdle(subjectId)
    const { job, done } = this.jobs.start(options, work)
    this.jobIds.set(subjectId, job.id)
    const cleared = done.finally(() => {
      this.jobIds.delete(subjectId)
      this.settled.delete(subjectId)
      this.events.changed(this.collection)
    })
    this.settled.set(subjectId, cleared)
    this.events.changed(this.collection)
    return { jobId: job.id, done: cleared }
  }

  /** Resolves when the subject has no job in this process (at once if it has none). */
  async whenIdle(subjectId: number): Promise<void> {
    await this.settled.get(subjectId)
  }

  /** Asks the subject's job to stop resumably; false when it has none. */
  pause(subjectId: number): boolean {
    const jobId = this.jobIds.get(subjectId)
    return jobId ? this.jobs.cancel(jobId, { pause: true }) : false
  }
}
