import { z } from 'zod'
import { perRole } from '../../roles'
import { procedure } from '../procedure'
import { benchmarkSchema, gradingDetailShape, idSchema, isoDateSchema, nothing, perRoleSchema, roleSchema } from './common'
import { roleAdaptersSchema, samplingSchema } from './runs'

export const templateTextSchema = z.object({ system: z.string().max(20_000), user: z.string().min(1).max(20_000) })

export const playgroundLaneSchema = z.enum(['main', 'compare'])

export const playgroundRunInputSchema = z.object({
  benchmark: benchmarkSchema,
  question: z.object({
    text: z.string().min(1).max(20_000),
    choices: z.array(z.string()).max(10).optional(),
    gold: z.string().max(2000).optional(),
    questionId: idSchema.optional()
  }),
  /** The editor's current templates, saved or not. */
  templates: perRoleSchema(templateTextSchema),
  adapters: roleAdaptersSchema.default(perRole(() => null)),
  sampling: samplingSchema.default({ temperature: 0.3, topP: 1, maxTokens: 512 }),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
  /** Re-run from a later stage, keeping the earlier stages' outputs given here. */
  startAt: roleSchema.default('generator'),
  given: z.object({ generation: z.string().optional(), verification: z.string().optional() }).default({}),
  /** The G+R ablation: the refiner gets an empty verification and no verifier runs. */
  emptyVerification: z.boolean().default(false),
  /** Side by side: also send the same generation to a second verifier (null = untrained) and refine its critique. */
  compareVerifier: z.object({ adapterId: idSchema.nullable() }).optional(),
  modelPath: z.string().min(1).optional(),
  /**
   * Chosen by the client so it can match the streamed events even before this call returns (events and the reply
   * travel on different channels). Defaults to one made by the service.
   */
  sessionId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,64}$/)
    .optional()
})
export type PlaygroundRunInput = z.input<typeof playgroundRunInputSchema>

export const stageResultSchema = z.object({
  lane: playgroundLaneSchema,
  stage: roleSchema,
  text: z.string(),
  answer: z.string().nullable(),
  correct: z.boolean().nullable(),
  ...gradingDetailShape,
  completionTokens: z.number().int(),
  durationMs: z.number()
})
export type StageResult = z.infer<typeof stageResultSchema>

export const playgroundSessionSchema = z.object({
  id: idSchema,
  createdAt: isoDateSchema,
  benchmark: benchmarkSchema,
  question: z.object({ text: z.string(), choices: z.array(z.string()).optional(), gold: z.string().optional(), questionId: idSchema.optional() }),
  templates: perRoleSchema(templateTextSchema),
  adapters: perRoleSchema(idSchema.nullable()),
  compareAdapterId: idSchema.nullable().optional(),
  seed: z.number().int(),
  status: z.enum(['completed', 'failed', 'cancelled']),
  error: z.string().nullable(),
  results: z.array(stageResultSchema)
})
export type PlaygroundSession = z.infer<typeof playgroundSessionSchema>

export const playgroundApi = {
  run: procedure({
    input: playgroundRunInputSchema,
    output: z.object({ sessionId: z.string() }),
    description: 'Runs G → V → R (or from a later stage) with tokens streamed as playground events.'
  }),
  cancel: procedure({ input: z.object({ sessionId: z.string() }), output: z.object({ cancelled: z.boolean() }), description: 'Stops a playground run.' }),
  history: procedure({
    input: z.object({ limit: z.number().int().min(1).max(500).default(50) }).default({ limit: 50 }),
    output: z.array(playgroundSessionSchema),
    description: 'Earlier playground runs with their prompts and outputs, newest first.'
  }),
  adapters: procedure({
    input: nothing,
    output: z.array(z.object({ id: idSchema, name: z.string(), role: roleSchema, stage: z.string().nullable(), createdAt: isoDateSchema })),
    description: 'Registered LoRA adapters any role may load.'
  })
} as const
