import type { JobSnapshot } from '@shared/api/schemas/jobs'
import type { Workbench } from '../app/Workbench'
import type { CliIo } from './CliIo'
import { progressLine } from './progressLine'

export type JobEnd = 'completed' | 'paused' | 'cancelled' | 'failed'

/**
 * Waits for a background job while printing its progress to stderr (at most every 2 s, or redrawn in place on a
 * terminal), and returns how it ended. Ctrl+C calls `pause` (the API's pause of the run or evaluation, which keeps its
 * work) instead of killing the process mid-write.
 */
export async function followJob(
  workbench: Workbench,
  jobId: string,
  pause: () => Promise<unknown>,
  io: CliIo
): Promise<{ status: JobEnd; error: string | null }> {
  let lastPrint = 0
  let settle: (job: JobSnapshot) => void = () => undefined
  const ended = new Promise<JobSnapshot>((resolve) => (settle = resolve))
  const unsubscribe = workbench.events.subscribe((event) => {
    if (event.type !== 'job.updated' || event.job.id !== jobId) return
    const now = Date.now()
    const final = isFinal(event.job)
    if (final) settle(event.job)
    if (!final && now - lastPrint < (io.interactive ? 250 : 2000)) return
    lastPrint = now
    if (io.interactive) io.stderr.write(`\r\u001b[2K${progressLine(event.job)}${final ? '\n' : ''}`)
    else io.err(progressLine(event.job))
  })
  const onSignal = () => {
    io.err('\npausing… (the work done so far is kept)')
    void pause().catch(() => undefined)
  }
  // `on`, not `once`: a listener that removed itself would leave node-llama-cpp's signal-exit as the only listener,
  // which re-raises the signal and kills the process before the pause is stored.
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    // The job may have ended before this subscribed (a model that fails at once).
    const current = (await workbench.api.jobs.list()).find((job) => job.id === jobId)
    if (!current || isFinal(current)) settle(current ?? ({ status: 'failed' } as JobSnapshot))
    const job = await ended
    const status = job.status === 'completed' || job.status === 'paused' || job.status === 'cancelled' ? job.status : 'failed'
    return { status, error: job.error?.message ?? null }
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    unsubscribe()
  }
}

/** Resolves with a job's last snapshot once it has ended (at once when it already has). */
export async function jobEnded(workbench: Workbench, jobId: string): Promise<JobSnapshot> {
  let settle: (job: JobSnapshot) => void = () => undefined
  const ended = new Promise<JobSnapshot>((resolve) => (settle = resolve))
  const unsubscribe = workbench.events.subscribe((event) => {
    if (event.type === 'job.updated' && event.job.id === jobId && isFinal(event.job)) settle(event.job)
  })
  try {
    const current = (await workbench.api.jobs.list()).find((job) => job.id === jobId)
    if (!current || isFinal(current)) settle(current ?? ({ id: jobId, status: 'failed', error: null } as JobSnapshot))
    return await ended
  } finally {
    unsubscribe()
  }
}

function isFinal(job: JobSnapshot): boolean {
  return job.status !== 'running' && job.status !== 'queued'
}
