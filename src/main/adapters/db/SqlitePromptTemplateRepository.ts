import type { Role } from '@shared/roles'
import type { Benchmark } from '@shared/benchmarks'
import type { PromptTemplateRecord } from '@shared/api/schemas/prompts'
import { NotFoundError } from '@shared/errors/NotFoundError'
import type { PromptTemplate } from '../../domain/prompts/PromptTemplate'
import type { PromptTemplateRepository } from '../../services/ports/PromptTemplateRepository'
import type { WorkbenchDatabase } from './WorkbenchDatabase'

interface TemplateDbRow {
  id: number
  benchmark: Benchmark
  role: Role
  version: number
  system: string
  user: string
  note: string | null
  created_at: string
}

const toRecord = (row: TemplateDbRow): PromptTemplateRecord => ({
  id: row.id,
  benchmark: row.benchmark,
  role: row.role,
  version: row.version,
  system: row.system,
  user: row.user,
  note: row.note,
  createdAt: row.created_at
})

/** Template versions are immutable rows: an edit is a new version, so a run's template ids always mean the same text. */
export class SqlitePromptTemplateRepository implements PromptTemplateRepository {
  constructor(private readonly store: WorkbenchDatabase) {}

  private get db() {
    return this.store.db
  }

  /** Inserts the defaults as version 1 of every (benchmark, role) that has no version yet. */
  seed(defaults: readonly PromptTemplate[]): void {
    this.store.transaction(() => {
      const insert = this.db.prepare(
        `INSERT OR IGNORE INTO prompt_templates (benchmark, role, version, system, user, note, created_at) VALUES (?, ?, 1, ?, ?, 'paper-style default', ?)`
      )
      const now = new Date().toISOString()
      for (const template of defaults) insert.run(template.benchmark, template.role, template.system, template.user, now)
    })
  }

  list(filter: { benchmark?: Benchmark; role?: Role } = {}): PromptTemplateRecord[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM prompt_templates WHERE (@benchmark IS NULL OR benchmark = @benchmark) AND (@role IS NULL OR role = @role)
         ORDER BY benchmark, role, version DESC`
      )
      .all({ benchmark: filter.benchmark ?? null, role: filter.role ?? null }) as TemplateDbRow[]
    return rows.map(toRecord)
  }

  get(id: number): PromptTemplateRecord {
    const row = this.db.prepare('SELECT * FROM prompt_templates WHERE id = ?').get(id) as TemplateDbRow | undefined
    if (!row) throw new NotFoundError('prompt template', id)
    return toRecord(row)
  }

  latest(benchmark: Benchmark, role: Role): PromptTemplateRecord {
    const row = this.db
      .prepare('SELECT * FROM prompt_templates WHERE benchmark = ? AND role = ? ORDER BY version DESC LIMIT 1')
      .get(benchmark, role) as TemplateDbRow | undefined
    if (!row) throw new NotFoundError('prompt template', `${benchmark}/${role}`, { message: `no ${benchmark} ${role} prompt template` })
    return toRecord(row)
  }

  addVersion(template: PromptTemplate & { note?: string }): PromptTemplateRecord {
    return this.store.transaction(() => {
      const next =
        (this.db.prepare('SELECT coalesce(max(version), 0) + 1 AS v FROM prompt_templates WHERE benchmark = ? AND role = ?').get(template.benchmark, template.role) as {
          v: number
        }).v
      const result = this.db
        .prepare('INSERT INTO prompt_templates (benchmark, role, version, system, user, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(template.benchmark, template.role, next, template.system, template.user, template.note ?? null, new Date().toISOString())
      return this.get(Number(result.lastInsertRowid))
    })
  }
}
