import type { Migration } from './index'

export const m001Datasets: Migration = {
  version: 1,
  name: 'datasets, questions, prompt templates, settings',
  up(db) {
    db.exec(`
      CREATE TABLE datasets (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        benchmark TEXT NOT NULL CHECK (benchmark IN ('gsm8k', 'math', 'csqa')),
        format TEXT NOT NULL,
        created_at TEXT NOT NULL
      );

      -- One row per file imported into a dataset split: what makes re-importing the same file a no-op.
      CREATE TABLE dataset_imports (
        id INTEGER PRIMARY KEY,
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        split TEXT NOT NULL,
        file_name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        added INTEGER NOT NULL,
        skipped INTEGER NOT NULL,
        imported_at TEXT NOT NULL,
        UNIQUE (dataset_id, split, sha256)
      );

      CREATE TABLE questions (
        id INTEGER PRIMARY KEY,
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        split TEXT NOT NULL,
        external_id TEXT NOT NULL,
        ordinal INTEGER NOT NULL,
        question TEXT NOT NULL,
        answer TEXT NOT NULL,
        choices_json TEXT,
        solution TEXT,
        metadata_json TEXT NOT NULL DEFAULT '{}',
        UNIQUE (dataset_id, split, external_id)
      );
      CREATE INDEX questions_by_split ON questions (dataset_id, split, ordinal);

      -- Versioned role prompts: a run records the versions it used, so editing a prompt never rewrites history.
      CREATE TABLE prompt_templates (
        id INTEGER PRIMARY KEY,
        benchmark TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('generator', 'verifier', 'refiner')),
        version INTEGER NOT NULL,
        system TEXT NOT NULL,
        user TEXT NOT NULL,
        note TEXT,
        created_at TEXT NOT NULL,
        UNIQUE (benchmark, role, version)
      );

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value_json TEXT NOT NULL
      );
    `)
  }
}
