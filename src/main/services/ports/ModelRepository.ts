import type { ModelFacts } from '@shared/api/schemas/models'

export interface ModelRow {
  id: number
  path: string
  name: string
  facts: ModelFacts | null
  addedAt: string
}

/** Base models the user has registered, with the facts read when they were added. */
export interface ModelRepository {
  list(): ModelRow[]
  /** `not_found` when there is none. */
  get(id: number): ModelRow
  findByPath(path: string): ModelRow | undefined
  /** Registers a model, or updates the name and facts of the one at `path`. */
  upsert(path: string, name: string, facts: ModelFacts | null): ModelRow
  remove(id: number): boolean
}
