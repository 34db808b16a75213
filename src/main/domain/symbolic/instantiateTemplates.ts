import { hashSeed } from '../random/seededRandom'
import { instantiateTemplate } from './instantiateTemplate'
import type { SymbolicTemplate } from './parseSymbolicTemplate'

/** One generated problem in Apple's GSM-Symbolic generated-data format (`generated_data/GSM_symbolic.jsonl`). */
export interface SymbolicRecord {
  /** The template id (`id_shuffled`). */
  id: number
  /** 0-based instance number within the template. */
  instance: number
  question: string
  /** The worked solution, ending `#### <number>`. */
  answer: string
  /** The GSM8K test line the template came from (`id_orig`). */
  original_id: number
  original_question: string
}

export interface InstantiateTemplatesOptions {
  /** Instances per template (Apple's files have 50). */
  perTemplate: number
  seed: number
  /** Per instance; defaults to `defaultMaxAttempts`. */
  maxAttempts?: number
}

/**
 * `perTemplate` distinct instances of every template, template by template in input order. Instance i of template t
 * is drawn with the seed `hashSeed(seed, t, i)`, so it does not depend on the other templates or on how many
 * instances are asked for, except through deduplication: an instance whose question equals an earlier instance's of
 * the same template is rejected and redrawn from the same seeded stream.
 */
export function instantiateTemplates(templates: readonly SymbolicTemplate[], options: InstantiateTemplatesOptions): SymbolicRecord[] {
  const records: SymbolicRecord[] = []
  for (const template of templates) {
    const seen = new Set<string>()
    for (let instance = 0; instance < options.perTemplate; instance++) {
      const drawn = instantiateTemplate(template, {
        seed: hashSeed(options.seed, template.id, instance),
        exclude: seen,
        ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {})
      })
      seen.add(drawn.question)
      records.push({
        id: template.id,
        instance,
        question: drawn.question,
        answer: drawn.answer,
        original_id: template.originalId,
        original_question: template.originalQuestion
      })
    }
  }
  return records
}
