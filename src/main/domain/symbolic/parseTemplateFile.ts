import { z } from 'zod'
import { AppError } from '@shared/errors'
import { parseSymbolicTemplate, type ParseTemplateOptions, type SymbolicTemplate } from './parseSymbolicTemplate'

const recordSchema = z.object({
  question: z.string(),
  answer: z.string(),
  id_orig: z.number().int().nonnegative(),
  id_shuffled: z.number().int().nonnegative(),
  question_annotated: z.string(),
  answer_annotated: z.string()
})

/**
 * Reads a GSM-Symbolic template file: JSON Lines, one template per line (`templates_symbolic.jsonl`). Every line is
 * parsed, expressions included, before anything is generated; the first bad line throws `bad_file` with the file,
 * the 1-based line and the field, which the CLI prints as `FILE:LINE field 'NAME': message`.
 * Blank lines are skipped (but counted); two templates with one `id_shuffled` are an error.
 */
export function parseTemplateFile(text: string, file: string, options: ParseTemplateOptions = {}): SymbolicTemplate[] {
  const templates: SymbolicTemplate[] = []
  const firstLineOfId = new Map<number, number>()
  text
    .replace(/^\uFEFF/, '')
    .split('\n')
    .forEach((raw, i) => {
      const line = i + 1
      if (raw.trim() === '') return
      let json: unknown
      try {
        json = JSON.parse(raw)
      } catch (error) {
        throw new AppError('bad_file', `malformed JSON (${(error as Error).message})`, { file, line })
      }
      if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new AppError('bad_file', 'expected a JSON object', { file, line })
      const parsed = recordSchema.safeParse(json)
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!
        const field = issue.path.join('.')
        const missing = (json as Record<string, unknown>)[field] === undefined
        throw new AppError('bad_file', missing ? 'missing' : issue.message, { file, line, field })
      }
      const earlier = firstLineOfId.get(parsed.data.id_shuffled)
      if (earlier !== undefined) throw new AppError('bad_file', `duplicate template id ${parsed.data.id_shuffled} (first on line ${earlier})`, { file, line, field: 'id_shuffled' })
      firstLineOfId.set(parsed.data.id_shuffled, line)
      try {
        templates.push(parseSymbolicTemplate(parsed.data, options))
      } catch (error) {
        if (!(error instanceof AppError)) throw error
        throw new AppError('bad_file', error.message, { file, line, ...(error.location?.field ? { field: error.location.field } : {}) })
      }
    })
  return templates
}
