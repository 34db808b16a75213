import type { Migration } from './index'

export const m006Endpoints: Migration = {
  version: 6,
  name: 'inference endpoints',
  up(db) {
    db.exec(`
      -- OpenAI-compatible servers the role agents can run on (models named endpoint:NAME). spec_json holds the
      -- validated settings (URL, served model, LoRA style, role adapters, limits) and only the NAME of the API key's
      -- environment variable, never a key.
      CREATE TABLE endpoints (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        spec_json TEXT NOT NULL,
        added_at TEXT NOT NULL
      );
    `)
  }
}
