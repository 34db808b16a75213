import { z } from 'zod'
import { benchmarks } from '../../benchmarks'
import { extractionSources } from '../../grading/AnswerExtraction'
import { type Role, roles } from '../../roles'

export const idSchema = z.number().int().positive()
export const isoDateSchema = z.string()
export const nothing = z.undefined()

export const benchmarkSchema = z.enum(benchmarks)
export const roleSchema = z.enum(roles)

export const pageSchema = z.object({
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(1000).default(100)
})

/** One value of the same schema per role: `{ generator, verifier, refiner }`. */
export function perRoleSchema<T extends z.ZodType>(schema: T) {
  return z.object({ generator: schema, verifier: schema, refiner: schema } satisfies Record<Role, T>)
}

export type { Benchmark } from '../../benchmarks'

/**
 * Where the grader found an output's answer: the source (`boxed`, `finalAnswer`, …) and the offsets of the text it
 * read in the output (`text.slice(start, end)`).
 */
export const answerExtractionSchema = z.object({
  source: z.enum(extractionSources),
  start: z.number().int().min(0),
  end: z.number().int().min(0)
})
export type AnswerExtractionView = z.infer<typeof answerExtractionSchema>

/** What the grader took from an output and why its verdict (optional: absent on records from older versions). */
export const gradingDetailShape = {
  /** Null when no answer was found. */
  extraction: answerExtractionSchema.nullable().optional(),
  /** The verdict's reason in words ("equal as numbers", "no answer found in the output"); null without a gold answer. */
  gradeReason: z.string().nullable().optional()
}
