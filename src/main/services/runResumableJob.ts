import { setMaxListeners } from 'node:events'
import { CancelledError } from '@shared/errors/CancelledError'
import { FailFastGroup } from '../domain/concurrency/FailFastGroup'
import type { JobContext } from './JobManager'
import { AgentsUnavailableError } from './ports/AgentsUnavailableError'

/** How a resumable subject (a generation run, an evaluation) is stored as it goes and when it ends. */
export type ResumableStatus = 'running' | 'paused' | 'cancelled' | 'failed' | 'completed'

/** What one item's work may report while it runs. */
export interface ItemProgress {
  /** Every request of the item listens to it: the job's signal, also aborted by another item's failure. */
  readonly signal: AbortSignal
  /** One unit of work was stored (a tree node, an evaluation unit) with this many completion tokens. */
  unitStored(completionTokens: number): void
}

export interface ResumableJobSpec<Item> {
  readonly job: JobContext
  /** Items still to do, in order; `itemsDone` were done before this job started. */
  readonly pending: readonly Item[]
  readonly itemsDone: number
  readonly itemCount: number
  /** Units stored before this job started, and how many the subject has when complete. */
  readonly unitsDone: number
  readonly unitCount: number
  /** Items worked on at once. */
  readonly concurrency: number
  /** The names of the figures in the job's detail, e.g. `questionsDone`, `questionCount`, `nodesPerSecond`. */
  readonly detailNames: { itemsDone: string; itemCount: string; unitsPerSecond: string }
  /** Figures of the subject's own added to every progress report (running accuracies). */
  detail(): Record<string, number | null>
  /** Called with every progress report (an evaluation marks itself alive). */
  onReport?(): void
  /**
   * Prepares what every item needs (loads the model) and returns the work of one item, which resolves with whether
   * the item is now complete. Anything it throws fails the job, unless the job was stopped.
   */
  start(signal: AbortSignal): Promise<(item: Item, progress: ItemProgress) => Promise<boolean>>
  /** Stores the subject's status (and the failure's message). */
  setStatus(status: ResumableStatus, error?: string): void
  /** A store failure in words (a full disk names the database); anything else unchanged. */
  translateError(error: unknown): unknown
  /** Once every pending item ran: stores what completion needs and says whether the subject is complete. */
  finish(): 'completed' | 'paused'
}

/**
 * The job that resumes a stored subject: marks it running, works on its pending items with a pool of workers, reports
 * progress (done, rate, tokens per second, the subject's own figures), and ends it as completed or paused when the
 * work ran out, paused or cancelled when stopped, or failed at the first failure, which stops the other items (they
 * keep what they stored); paused, with the error, when that failure is an engine out of reach (AgentsUnavailableError). The tree search and the evaluation both run this way.
 */
export async function runResumableJob<Item>(spec: ResumableJobSpec<Item>): Promise<void> {
  const { job } = spec
  const started = Date.now()
  let unitsDone = spec.unitsDone
  let itemsDone = spec.itemsDone
  let completionTokens = 0
  const report = () => {
    const elapsed = (Date.now() - started) / 1000
    job.progress(unitsDone, spec.unitCount)
    job.detail({
      [spec.detailNames.itemsDone]: itemsDone,
      [spec.detailNames.itemCount]: spec.itemCount,
      [spec.detailNames.unitsPerSecond]: elapsed > 0 ? round((unitsDone - spec.unitsDone) / elapsed) : null,
      tokensPerSecond: elapsed > 0 ? round(completionTokens / elapsed) : null,
      ...spec.detail()
    })
    spec.onReport?.()
  }
  report()

  const group = new FailFastGroup(job.signal)
  // Every item and every request in flight listens to the group's signal (a few dozen at once); that is not a leak.
  setMaxListeners(0, group.signal)
  const progress: ItemProgress = {
    signal: group.signal,
    unitStored: (tokens) => {
      unitsDone++
      completionTokens += tokens
      report()
    }
  }
  try {
    await group.run(async () => {
      const work = await spec.start(group.signal)
      const queue = [...spec.pending]
      const worker = async () => {
        while (queue.length > 0 && !group.stopped) {
          const item = queue.shift()!
          try {
            if (await work(item, progress)) itemsDone++
            report()
          } catch (error) {
            // Errors after a stop (a model load or a request cut short) are not failures.
            if (!job.signal.aborted) group.fail(error)
          }
        }
      }
      await Promise.all(Array.from({ length: Math.min(spec.concurrency, Math.max(1, spec.pending.length)) }, worker))
    })
  } catch (error) {
    if (!job.signal.aborted) {
      const translated = spec.translateError(error)
      // An engine that is down for now (a dead inference server) pauses the subject: resume continues where it stopped.
      spec.setStatus(translated instanceof AgentsUnavailableError ? 'paused' : 'failed', translated instanceof Error ? translated.message : String(translated))
      throw translated
    }
  }
  if (job.signal.aborted) {
    spec.setStatus(CancelledError.isPause(job.signal.reason) ? 'paused' : 'cancelled')
    return
  }
  spec.setStatus(spec.finish())
  report()
}

function round(value: number): number {
  return Math.round(value * 100) / 100
}
