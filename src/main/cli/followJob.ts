import type { Workbench } from '../app/Workbench'
import type { CliIo } from './CliIo'
import { progressLine } from './progressLine'

/**
 * Waits for a background job while printing its progress to stderr (at most every 2 s, or redrawn in place on a
 * terminal). Ctrl+C pauses the job (its work is kept) instead of killing the process mid-write.
 */
export async function followJob(workbench: Workbench, jobId: string, done: Promise<void>, io: CliIo): Promise<'completed' | 'paused' | 'cancelled' | 'failed'> {
  let lastPrint = 0
  const unsubscribe = workbench.events.subscribe((event) => {
    if (event.type !== 'job.updated' || event.job.id !== jobId) return
    const now = Date.now()
    const final = event.job.status !== 'running'
    if (!final && now - lastPrint < (io.interactive ? 250 : 2000)) return
    lastPrint = now
    if (io.interactive) io.stderr.write(`\r\u001b[2K${progressLine(event.job)}${final ? '\n' : ''}`)
    else io.err(progressLine(event.job))
  })
  const onSignal = () => {
    io.err('\npausing… (the work done so far is kept)')
    workbench.jobs.cancel(jobId, { pause: true })
  }
  // `on`, not `once`: a listener that removed itself would leave node-llama-cpp's signal-exit as the only listener,
  // which re-raises the signal and kills the process before the pause is stored.
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    await done
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    unsubscribe()
  }
  const status = workbench.jobs.get(jobId)?.status
  return status === 'completed' || status === 'paused' || status === 'cancelled' ? status : 'failed'
}
