import { z } from 'zod'
import { procedure } from '../procedure'
import { isoDateSchema, nothing } from './common'

export const jobKindSchema = z.enum(['import', 'generation', 'training', 'evaluation', 'download', 'setup'])
export const jobStatusSchema = z.enum(['queued', 'running', 'paused', 'completed', 'failed', 'cancelled'])
export type JobStatus = z.infer<typeof jobStatusSchema>

/** A long piece of work as the UI and the CLI show it: what, how far, how fast, how long still. */
export const jobSnapshotSchema = z.object({
  id: z.string(),
  kind: jobKindSchema,
  title: z.string(),
  status: jobStatusSchema,
  done: z.number(),
  total: z.number().nullable(),
  unit: z.string(),
  /** Units per second over the recent past. */
  rate: z.number().nullable(),
  etaSeconds: z.number().nullable(),
  startedAt: isoDateSchema.nullable(),
  finishedAt: isoDateSchema.nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** Kind-specific figures (tokens/s, running accuracy per stage, loss…). */
  detail: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
  /** What the job is about, e.g. `{runId: 3}`, so pages can find their jobs. */
  subject: z.record(z.string(), z.union([z.number(), z.string()]))
})
export type JobSnapshot = z.infer<typeof jobSnapshotSchema>

export const jobsApi = {
  list: procedure({
    input: nothing,
    output: z.array(jobSnapshotSchema),
    description: 'Jobs of this session: running, queued and recently finished.'
  }),
  cancel: procedure({
    input: z.object({ jobId: z.string().min(1) }),
    output: z.object({ cancelled: z.boolean() }),
    description: 'Asks a job to stop; work already stored is kept.'
  })
} as const
