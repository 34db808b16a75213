import { z } from 'zod'
import { procedure } from '../procedure'
import { benchmarkSchema, idSchema, isoDateSchema, nothing, pageSchema } from './common'

export const datasetFormatSchema = z.enum(['gsm8k', 'math', 'csqa', 'gsm-symbolic', 'jsonl'])
export type DatasetFormat = z.infer<typeof datasetFormatSchema>

/** Dotted paths into each JSON line, for the generic JSONL importer (`question=problem,answer=meta.gold`). */
export const fieldMappingSchema = z.object({
  question: z.string().min(1),
  answer: z.string().min(1),
  choices: z.string().min(1).optional(),
  id: z.string().min(1).optional()
})
export type FieldMapping = z.infer<typeof fieldMappingSchema>

/** Split names are short identifiers: they appear in file names, URLs and CLI flags. */
export const splitSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,32}$/, 'a split is 1-32 letters, digits, _ or -')

export const datasetNameSchema = z
  .string()
  .trim()
  .min(1, 'a dataset needs a name')
  .max(80)
  .regex(/^[^\u0000-\u001f/\\]+$/, 'a dataset name cannot contain control characters or slashes')

export const importSourceSchema = z.discriminatedUnion('kind', [
  /** A file the user picked in the UI; its bytes travel base64-encoded so non-UTF-8 input can be reported. */
  z.object({
    kind: z.literal('upload'),
    fileName: z.string().min(1).max(255),
    contentBase64: z.string().max(400_000_000)
  }),
  /** A file inside the configured data folder, by the relative path `datasets.dataFolder` listed. */
  z.object({ kind: z.literal('dataFolder'), relativePath: z.string().min(1).max(500) })
])

export const importDatasetInputSchema = z.object({
  name: datasetNameSchema,
  format: datasetFormatSchema,
  source: importSourceSchema,
  /** Defaults to what the file name says (`train`, `test`, `dev`), else `train`. */
  split: splitSchema.optional(),
  /** How answers are graded; implied by every format except the generic `jsonl`. */
  benchmark: benchmarkSchema.optional(),
  mapping: fieldMappingSchema.optional(),
  skipBadLines: z.boolean().default(false)
})
export type ImportDatasetInput = z.input<typeof importDatasetInputSchema>
/** The validated form, defaults filled in: what the service receives. */
export type ImportDatasetRequest = z.output<typeof importDatasetInputSchema>

export const lineProblemSchema = z.object({
  line: z.number().int(),
  field: z.string().optional(),
  message: z.string()
})
export type LineProblem = z.infer<typeof lineProblemSchema>

export const importReportSchema = z.object({
  datasetId: idSchema,
  name: z.string(),
  split: z.string(),
  fileName: z.string(),
  /** Questions new to the dataset. */
  added: z.number().int(),
  /** Questions already there with identical content (re-importing a file changes nothing). */
  unchanged: z.number().int(),
  skipped: z.number().int(),
  /** The first problems found in skipped lines. */
  problems: z.array(lineProblemSchema),
  alreadyImported: z.boolean()
})
export type ImportReport = z.infer<typeof importReportSchema>

export const datasetSummarySchema = z.object({
  id: idSchema,
  name: z.string(),
  benchmark: benchmarkSchema,
  format: datasetFormatSchema,
  questionCount: z.number().int(),
  splits: z.array(z.object({ split: z.string(), count: z.number().int() })),
  createdAt: isoDateSchema
})
export type DatasetSummary = z.infer<typeof datasetSummarySchema>

export const questionRowSchema = z.object({
  id: idSchema,
  split: z.string(),
  externalId: z.string(),
  ordinal: z.number().int(),
  question: z.string(),
  answer: z.string(),
  choices: z.array(z.string()).nullable()
})
export type QuestionRow = z.infer<typeof questionRowSchema>

export const dataFolderEntrySchema = z.object({
  relativePath: z.string(),
  sizeBytes: z.number().int(),
  suggestedFormat: datasetFormatSchema,
  suggestedName: z.string(),
  suggestedSplit: z.string()
})
export type DataFolderEntry = z.infer<typeof dataFolderEntrySchema>

export const datasetsApi = {
  list: procedure({
    input: nothing,
    output: z.array(datasetSummarySchema),
    description: 'Every dataset with its question count per split.'
  }),
  import: procedure({
    input: importDatasetInputSchema,
    output: importReportSchema,
    description: 'Imports a JSONL file into a dataset; all-or-nothing unless bad lines may be skipped.'
  }),
  questions: procedure({
    input: pageSchema.extend({
      datasetId: idSchema,
      split: splitSchema.optional(),
      search: z.string().max(200).optional()
    }),
    output: z.object({ total: z.number().int(), items: z.array(questionRowSchema) }),
    description: 'One page of a dataset’s questions, optionally filtered by split and text.'
  }),
  remove: procedure({
    input: z.object({ datasetId: idSchema }),
    output: z.object({ removed: z.boolean() }),
    description: 'Deletes a dataset that no run or evaluation uses.'
  }),
  dataFolder: procedure({
    input: nothing,
    output: z.object({ root: z.string().nullable(), entries: z.array(dataFolderEntrySchema) }),
    description: 'JSONL files found in the configured data folder, with a guessed format.'
  })
} as const
