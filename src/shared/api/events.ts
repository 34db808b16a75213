import { z } from 'zod'
import { roleSchema } from './schemas/common'
import { jobSnapshotSchema } from './schemas/jobs'
import { gradingDetailShape } from './schemas/common'

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
    type: z.literal('playground.delta'),
    sessionId: z.string(),
    lane: z.enum(['main', 'compare']),
    stage: roleSchema,
    delta: z.string()
  }),
  z.object({
    type: z.literal('playground.stage'),
    sessionId: z.string(),
    lane: z.enum(['main', 'compare']),
    stage: roleSchema,
    status: z.enum(['started', 'done', 'failed']),
    answer: z.string().nullable().optional(),
    correct: z.boolean().nullable().optional(),
    ...gradingDetailShape,
    error: z.string().optional()
  }),
  z.object({
    type: z.literal('playground.finished'),
    sessionId: z.string(),
    status: z.enum(['completed', 'failed', 'cancelled']),
    error: z.string().optional()
  }),
  z.object({
    /** One logged training step (trl's names: loss, rewards/margins, perf/tokens_per_second…), for live curves. */
    type: z.literal('training.metrics'),
    jobId: z.number().int(),
    step: z.number().int(),
    values: z.record(z.string(), z.number().nullable())
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
