import type { SettingsRepository } from '../../services/ports/SettingsRepository'
import type { WorkbenchDatabase } from './WorkbenchDatabase'

/** Settings as JSON values by key in SQLite. */
export class SqliteSettingsRepository implements SettingsRepository {
  constructor(private readonly store: WorkbenchDatabase) {}

  get<T>(key: string): T | undefined {
    const row = this.store.db.prepare('SELECT value_json FROM settings WHERE key = ?').get(key) as { value_json: string } | undefined
    return row ? (JSON.parse(row.value_json) as T) : undefined
  }

  set(key: string, value: unknown): void {
    this.store.db
      .prepare('INSERT INTO settings (key, value_json) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json')
      .run(key, JSON.stringify(value))
  }

  delete(key: string): void {
    this.store.db.prepare('DELETE FROM settings WHERE key = ?').run(key)
  }
}
