import { endpointSpecSchema, type EndpointSpec } from '@shared/api/schemas/endpoints'
import { AppError } from '@shared/errors'
import type { EndpointRepository, EndpointRow } from '../../services/ports/EndpointRepository'
import type { WorkbenchDatabase } from './WorkbenchDatabase'

interface EndpointDbRow {
  id: number
  name: string
  spec_json: string
  added_at: string
}

/** Registered inference endpoints in SQLite (m006). */
export class SqliteEndpointRepository implements EndpointRepository {
  constructor(private readonly store: WorkbenchDatabase) {}

  list(): EndpointRow[] {
    return (this.store.db.prepare('SELECT * FROM endpoints ORDER BY name').all() as EndpointDbRow[]).map((row) => this.toRow(row))
  }

  get(name: string): EndpointRow {
    const row = this.find(name)
    if (!row) {
      const known = this.list().map((each) => each.spec.name)
      throw new AppError(
        'not_found',
        `no endpoint named '${name}'${known.length > 0 ? ` (registered: ${known.join(', ')})` : ''}; add it with malt models add-endpoint or on the Setup page`,
        { field: 'modelPath' }
      )
    }
    return row
  }

  find(name: string): EndpointRow | undefined {
    const row = this.store.db.prepare('SELECT * FROM endpoints WHERE name = ?').get(name) as EndpointDbRow | undefined
    return row && this.toRow(row)
  }

  upsert(spec: EndpointSpec): EndpointRow {
    this.store.db
      .prepare(
        `INSERT INTO endpoints (name, spec_json, added_at) VALUES (?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET spec_json = excluded.spec_json`
      )
      .run(spec.name, JSON.stringify(spec), new Date().toISOString())
    return this.get(spec.name)
  }

  remove(name: string): boolean {
    return this.store.db.prepare('DELETE FROM endpoints WHERE name = ?').run(name).changes > 0
  }

  /** A row written by another version or by hand is checked like new input, so a bad one names its field. */
  private toRow(row: EndpointDbRow): EndpointRow {
    let parsed: unknown
    try {
      parsed = JSON.parse(row.spec_json)
    } catch {
      throw new AppError('database_corrupt', `endpoint '${row.name}' in ${this.store.path} has settings that are not JSON`)
    }
    const result = endpointSpecSchema.safeParse(parsed)
    if (!result.success) {
      const issue = result.error.issues[0]!
      throw new AppError('database_corrupt', `endpoint '${row.name}' in ${this.store.path}: field '${issue.path.join('.')}' ${issue.message}`, {
        field: issue.path.join('.')
      })
    }
    return { id: row.id, spec: result.data, addedAt: row.added_at }
  }
}
