import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { errorEventSchema, runnerEventSchema } from '../../../../src/main/services/ports/runnerEvents'
import { repoRoot } from '../../../support/paths'

/**
 * The runner's JSON-line events are pinned by shared samples: resources/python/tests/test_event_samples.py holds what
 * the Python runner really emits to them, and this test holds the app's zod schema to them. A field added, renamed or
 * retyped on one side fails one of the two until the samples, the runner and the schema agree again.
 */
const samplesFile = join(repoRoot, 'resources', 'python', 'protocol', 'event_samples.jsonl')
const samples = readFileSync(samplesFile, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Record<string, unknown>)

/** The object schemas of the union, by event type (metrics is open: trl's names are not fixed). */
const variants = new Map(runnerEventSchema.options.map((option) => [option.shape.type.value as string, option as z.ZodObject]))

describe('runner events against the shared samples', () => {
  it.each(samples.map((sample, index) => [index + 1, sample.type, sample] as const))('sample %i (%s) is a valid event', (_line, _type, sample) => {
    const parsed = runnerEventSchema.safeParse(sample)
    expect(parsed.error?.issues ?? []).toEqual([])
  })

  it('has a sample of every event type and every error kind', () => {
    expect(new Set(samples.map((sample) => sample.type))).toEqual(new Set(variants.keys()))
    const kinds = samples.filter((sample) => sample.type === 'error').map((sample) => sample.kind)
    expect(new Set(kinds)).toEqual(new Set(errorEventSchema.shape.kind.options))
  })

  it('every field the schema knows appears in some sample, so no field is expected that the runner never sends', () => {
    const unseen: string[] = []
    const visit = (schema: z.ZodObject, values: Record<string, unknown>[], where: string) => {
      for (const [key, field] of Object.entries(schema.shape)) {
        const present = values.filter((value) => value[key] !== undefined)
        if (present.length === 0) unseen.push(`${where}.${key}`)
        const inner = unwrapObject(field as z.ZodType)
        if (inner) visit(inner, present.map((value) => value[key] as Record<string, unknown>), `${where}.${key}`)
      }
    }
    for (const [type, schema] of variants) visit(schema, samples.filter((sample) => sample.type === type), type)
    expect(unseen).toEqual([])
  })
})

function unwrapObject(schema: z.ZodType): z.ZodObject | null {
  let current = schema as { _zod: { def: { type: string; innerType?: z.ZodType } } }
  while (current._zod.def.innerType && current._zod.def.type !== 'object') current = current._zod.def.innerType as typeof current
  return current._zod.def.type === 'object' ? (current as unknown as z.ZodObject) : null
}
