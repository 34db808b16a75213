import { z } from 'zod'
import { jobSnapshotSchema } from './schemas/jobs'

/**
 * Everything the service side pushes to clients: over IPC (`webContents.send`) in the desktop app and over the
 * WebSocket in serve mode. Each event names what changed so a page can refresh just that.
 */
export const workbenchEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('job.updated'), job: jobSnapshotSchema }),
  z.object({
    type: z.literal('log'),
    level: z.enum(['debug', 'info', 'warn', 'error']),
    source: z.string(),
    message: z.string(),
    time: z.string(),
    jobId: z.string().optional()
  }),
  z.object({
    type: z.literal('store.changed'),
    /** Which collection changed: `datasets`, `runs`, `prompts`, `training`, `evaluations`, `adapters`, `models`. */
    collection: z.string()
  })
])

export type WorkbenchEvent = z.infer<typeof workbenchEventSchema>
export type WorkbenchEventType = WorkbenchEvent['type']
export type WorkbenchEventListener = (event: WorkbenchEvent) => void

/** How clients subscribe; returns the unsubscribe function. */
export interface WorkbenchEvents {
  subscribe(listener: WorkbenchEventListener): () => void
}
