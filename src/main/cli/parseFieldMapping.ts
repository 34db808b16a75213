import type { FieldMapping } from '@shared/api/schemas/datasets'
import { fieldMappingSchema } from '@shared/api/schemas/datasets'
import { AppError } from '@shared/errors'

/** `question=problem,answer=meta.gold,choices=options` → a field mapping; unknown keys are errors. */
export function parseFieldMapping(text: string): FieldMapping {
  const mapping: Record<string, string> = {}
  for (const part of text.split(',')) {
    const trimmed = part.trim()
    if (!trimmed) continue
    const eq = trimmed.indexOf('=')
    if (eq <= 0 || eq === trimmed.length - 1) {
      throw new AppError('invalid_input', `--map: expected KEY=FIELD, got '${trimmed}'`, { field: 'map' })
    }
    const key = trimmed.slice(0, eq).trim()
    if (!['question', 'answer', 'choices', 'id'].includes(key)) {
      throw new AppError('invalid_input', `--map: unknown key '${key}' (use question, answer, choices, id)`, { field: 'map' })
    }
    mapping[key] = trimmed.slice(eq + 1).trim()
  }
  const parsed = fieldMappingSchema.safeParse(mapping)
  if (!parsed.success) {
    const missing = ['question', 'answer'].filter((key) => !mapping[key])
    throw new AppError('invalid_input', `--map: missing ${missing.join(' and ') || 'fields'} (e.g. --map question=problem,answer=solution)`, {
      field: 'map'
    })
  }
  return parsed.data
}
