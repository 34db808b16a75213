import type { Migration } from './index'

export const m005Playground: Migration = {
  version: 5,
  name: 'playground history',
  up(db) {
    db.exec(`
      -- One playground run: the prompts as edited at the time, the adapters, and every stage's output.
      CREATE TABLE playground_sessions (
        id INTEGER PRIMARY KEY,
        benchmark TEXT NOT NULL,
        question_json TEXT NOT NULL,
        templates_json TEXT NOT NULL,
        adapters_json TEXT NOT NULL,
        compare_adapter_id INTEGER,
        seed INTEGER NOT NULL,
        status TEXT NOT NULL,
        error TEXT,
        results_json TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
    `)
  }
}
