import type { Migration } from './index'

export const m004Evaluations: Migration = {
  version: 4,
  name: 'evaluations and per-item results',
  up(db) {
    db.exec(`
      CREATE TABLE evaluations (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        dataset_id INTEGER NOT NULL REFERENCES datasets(id),
        split TEXT NOT NULL,
        config_json TEXT NOT NULL,
        status TEXT NOT NULL,
        error TEXT,
        results_json TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        finished_at TEXT
      );

      -- One stage output of one pass on one item: the unit of work an evaluation stores and never recomputes.
      CREATE TABLE eval_outputs (
        id INTEGER PRIMARY KEY,
        evaluation_id INTEGER NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
        question_id INTEGER NOT NULL REFERENCES questions(id),
        seed INTEGER NOT NULL,
        work_key TEXT NOT NULL,
        stage TEXT NOT NULL,
        text TEXT NOT NULL,
        answer TEXT,
        correct INTEGER,
        completion_tokens INTEGER NOT NULL DEFAULT 0,
        duration_ms REAL NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        UNIQUE (evaluation_id, question_id, seed, work_key)
      );

      -- The verdict of one configuration on one item for one seed (after voting, if any).
      CREATE TABLE eval_items (
        evaluation_id INTEGER NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
        configuration TEXT NOT NULL,
        seed INTEGER NOT NULL,
        question_id INTEGER NOT NULL REFERENCES questions(id),
        answer TEXT,
        correct INTEGER NOT NULL,
        detail_json TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (evaluation_id, configuration, seed, question_id)
      );
    `)
  }
}
