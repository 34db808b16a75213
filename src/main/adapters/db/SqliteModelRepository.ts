import { NotFoundError } from '@shared/errors/NotFoundError'
import type { ModelFacts } from '@shared/api/schemas/models'
import type { ModelRepository, ModelRow } from '../../services/ports/ModelRepository'
import type { WorkbenchDatabase } from './WorkbenchDatabase'

interface ModelDbRow {
  id: number
  path: string
  name: string
  facts_json: string
  added_at: string
}

const toRow = (row: ModelDbRow): ModelRow => {
  const facts = JSON.parse(row.facts_json) as ModelFacts | Record<string, never>
  return { id: row.id, path: row.path, name: row.name, facts: 'architecture' in facts ? (facts as ModelFacts) : null, addedAt: row.added_at }
}

/** Registered base models in SQLite (m002). */
export class SqliteModelRepository implements ModelRepository {
  constructor(private readonly store: WorkbenchDatabase) {}

  list(): ModelRow[] {
    return (this.store.db.prepare('SELECT * FROM models ORDER BY id').all() as ModelDbRow[]).map(toRow)
  }

  get(id: number): ModelRow {
    const row = this.store.db.prepare('SELECT * FROM models WHERE id = ?').get(id) as ModelDbRow | undefined
    if (!row) throw new NotFoundError('model', id)
    return toRow(row)
  }

  findByPath(path: string): ModelRow | undefined {
    const row = this.store.db.prepare('SELECT * FROM models WHERE path = ?').get(path) as ModelDbRow | undefined
    return row && toRow(row)
  }

  upsert(path: string, name: string, facts: ModelFacts | null): ModelRow {
    this.store.db
      .prepare(
        `INSERT INTO models (path, name, facts_json, added_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (path) DO UPDATE SET name = excluded.name, facts_json = excluded.facts_json`
      )
      .run(path, name, JSON.stringify(facts ?? {}), new Date().toISOString())
    return this.findByPath(path)!
  }

  remove(id: number): boolean {
    return this.store.db.prepare('DELETE FROM models WHERE id = ?').run(id).changes > 0
  }
}
