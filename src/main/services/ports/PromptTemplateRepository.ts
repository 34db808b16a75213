import type { Role } from '@shared/roles'
import type { Benchmark } from '@shared/benchmarks'
import type { PromptTemplateRecord } from '@shared/api/schemas/prompts'
import type { PromptTemplate } from '../../domain/prompts/PromptTemplate'

/** Template versions are immutable: an edit is a new version, so a run's template ids always mean the same text. */
export interface PromptTemplateRepository {
  /** Stores the defaults as version 1 of every (benchmark, role) that has no version yet. */
  seed(defaults: readonly PromptTemplate[]): void
  list(filter?: { benchmark?: Benchmark; role?: Role }): PromptTemplateRecord[]
  /** `not_found` when there is none. */
  get(id: number): PromptTemplateRecord
  /** The newest version; `not_found` when there is none. */
  latest(benchmark: Benchmark, role: Role): PromptTemplateRecord
  addVersion(template: PromptTemplate & { note?: string }): PromptTemplateRecord
}
