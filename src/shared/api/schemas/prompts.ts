import { z } from 'zod'
import { procedure } from '../procedure'
import { benchmarkSchema, idSchema, isoDateSchema, roleSchema } from './common'

export const promptTemplateRecordSchema = z.object({
  id: idSchema,
  benchmark: benchmarkSchema,
  role: roleSchema,
  version: z.number().int(),
  system: z.string(),
  user: z.string(),
  note: z.string().nullable(),
  createdAt: isoDateSchema
})
export type PromptTemplateRecord = z.infer<typeof promptTemplateRecordSchema>

export const templateIssueSchema = z.object({ kind: z.string(), placeholder: z.string(), message: z.string() })

export const promptsApi = {
  list: procedure({
    input: z.object({ benchmark: benchmarkSchema.optional(), role: roleSchema.optional() }).default({}),
    output: z.array(promptTemplateRecordSchema),
    description: 'Every version of the role prompt templates, newest first; version 1 is the paper-style default.'
  }),
  save: procedure({
    input: z.object({
      benchmark: benchmarkSchema,
      role: roleSchema,
      system: z.string().max(20_000),
      user: z.string().min(1).max(20_000),
      note: z.string().max(500).optional()
    }),
    output: promptTemplateRecordSchema,
    description: 'Saves an edited template as a new version (earlier versions stay, runs keep what they used).'
  }),
  validate: procedure({
    input: z.object({ benchmark: benchmarkSchema, role: roleSchema, system: z.string(), user: z.string() }),
    output: z.array(templateIssueSchema),
    description: 'Checks a template’s {{placeholders}} for its role.'
  })
} as const
