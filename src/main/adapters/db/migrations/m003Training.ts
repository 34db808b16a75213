import type { Migration } from './index'

export const m003Training: Migration = {
  version: 3,
  name: 'training jobs, metrics, adapters',
  up(db) {
    db.exec(`
      -- A queued plan (e.g. the MALT preset: G SFT; V SFT then DPO; R SFT then DPO) groups training jobs.
      CREATE TABLE training_plans (
        id INTEGER PRIMARY KEY,
        run_id INTEGER REFERENCES runs(id),
        preset TEXT NOT NULL,
        continue_on_failure INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL
      );

      CREATE TABLE training_jobs (
        id INTEGER PRIMARY KEY,
        plan_id INTEGER REFERENCES training_plans(id),
        plan_order INTEGER NOT NULL DEFAULT 0,
        run_id INTEGER REFERENCES runs(id),
        role TEXT NOT NULL CHECK (role IN ('generator', 'verifier', 'refiner')),
        stage TEXT NOT NULL CHECK (stage IN ('sft', 'dpo')),
        config_json TEXT NOT NULL,
        status TEXT NOT NULL,
        error TEXT,
        log_path TEXT,
        output_dir TEXT,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT
      );

      -- Metrics by step under trl's names (loss, rewards/margins, …); they outlive the process that made them.
      CREATE TABLE training_metrics (
        job_id INTEGER NOT NULL REFERENCES training_jobs(id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        name TEXT NOT NULL,
        value REAL NOT NULL,
        PRIMARY KEY (job_id, step, name)
      );

      CREATE TABLE adapters (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('generator', 'verifier', 'refiner')),
        stage TEXT,
        base_model_path TEXT NOT NULL,
        gguf_path TEXT NOT NULL UNIQUE,
        peft_dir TEXT,
        training_job_id INTEGER REFERENCES training_jobs(id),
        run_id INTEGER REFERENCES runs(id),
        created_at TEXT NOT NULL
      );
    `)
  }
}
