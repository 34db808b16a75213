import type { PlaygroundSession } from '@shared/api/schemas/playground'
import type { PlaygroundRepository } from '../../services/ports/PlaygroundRepository'
import type { WorkbenchDatabase } from './WorkbenchDatabase'

interface SessionDbRow {
  id: number
  benchmark: PlaygroundSession['benchmark']
  question_json: string
  templates_json: string
  adapters_json: string
  compare_adapter_id: number | null
  seed: number
  status: PlaygroundSession['status']
  error: string | null
  results_json: string
  created_at: string
}

/** The playground's history in SQLite (m005). */
export class SqlitePlaygroundRepository implements PlaygroundRepository {
  constructor(private readonly store: WorkbenchDatabase) {}

  save(session: Omit<PlaygroundSession, 'id' | 'createdAt'>): number {
    const result = this.store.db
      .prepare(
        `INSERT INTO playground_sessions (benchmark, question_json, templates_json, adapters_json, compare_adapter_id, seed, status, error, results_json, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
      )
      .run(
        session.benchmark,
        JSON.stringify(session.question),
        JSON.stringify(session.templates),
        JSON.stringify(session.adapters),
        session.compareAdapterId ?? null,
        session.seed,
        session.status,
        session.error,
        JSON.stringify(session.results),
        new Date().toISOString()
      )
    return Number(result.lastInsertRowid)
  }

  list(limit: number): PlaygroundSession[] {
    const rows = this.store.db.prepare('SELECT * FROM playground_sessions ORDER BY id DESC LIMIT ?').all(limit) as SessionDbRow[]
    return rows.map((row) => ({
      id: row.id,
      createdAt: row.created_at,
      benchmark: row.benchmark,
      question: JSON.parse(row.question_json) as PlaygroundSession['question'],
      templates: JSON.parse(row.templates_json) as PlaygroundSession['templates'],
      adapters: JSON.parse(row.adapters_json) as PlaygroundSession['adapters'],
      compareAdapterId: row.compare_adapter_id,
      seed: row.seed,
      status: row.status,
      error: row.error,
      results: JSON.parse(row.results_json) as PlaygroundSession['results']
    }))
  }
}
