import type { Migration } from './index'

export const m003Training: Migration = {
  version: 3,
  name: 'training jobs, metrics, adapters',
  up(db) {
    db.exec(`
      -- A queued plan (e.g. the MALT preset: G SFT; V SFT then DPO; R SFT then DPO) groups training jobs.
      -- status: created | queued | running | completed | failed | cancelled, recomputed from its jobs.
      CREATE TABLE training_plans (
        id INTEGER PRIMARY KEY,
        run_id INTEGER REFERENCES runs(id),
        preset TEXT NOT NULL,
        continue_on_failure INTEGER NOT NULL DEFAULT 0,
        -- The options every step got (LoRA, learning rates, credit settings), as given.
        options_json TEXT NOT NULL DEFAULT '{}',
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        finished_at TEXT
      );

      -- One SFT or DPO job of one role. status: created (held, start: false) | queued | running | completed | failed |
      -- cancelled | skipped (a plan step that could not run: its SFT step failed, or the plan stopped on a failure).
      CREATE TABLE training_jobs (
        id INTEGER PRIMARY KEY,
        plan_id INTEGER REFERENCES training_plans(id),
        plan_order INTEGER NOT NULL DEFAULT 0,
        run_id INTEGER REFERENCES runs(id),
        role TEXT NOT NULL CHECK (role IN ('generator', 'verifier', 'refiner')),
        stage TEXT NOT NULL CHECK (stage IN ('sft', 'dpo')),
        name TEXT NOT NULL,
        -- The options as given (validated) and the runner config written from them (resources/python/README.md).
        options_json TEXT NOT NULL DEFAULT '{}',
        config_json TEXT NOT NULL,
        base_model_path TEXT NOT NULL,
        train_file TEXT,
        train_examples INTEGER,
        -- A DPO step of a plan starts from the adapter of this SFT job (resolved when it starts).
        depends_on_job_id INTEGER REFERENCES training_jobs(id),
        status TEXT NOT NULL,
        error TEXT,
        log_path TEXT,
        output_dir TEXT,
        step INTEGER,
        total_steps INTEGER,
        -- The runner's 'finished' event (tokens/s, outside-fwd/bwd share, runtimes) and its 'started' facts.
        result_json TEXT,
        -- The process that queued it, and when that process last said it is alive: a job whose owner went silent
        -- is shown as interrupted (running) or not started (queued).
        owner TEXT,
        heartbeat_at TEXT,
        queued_at TEXT,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT
      );
      CREATE INDEX training_jobs_by_plan ON training_jobs(plan_id, plan_order);
      CREATE INDEX training_jobs_by_status ON training_jobs(status);

      -- Metrics by step under trl's names (loss, rewards/margins, …); they outlive the process that made them.
      -- A non-finite value (a NaN loss) is stored as NULL.
      CREATE TABLE training_metrics (
        job_id INTEGER NOT NULL REFERENCES training_jobs(id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        name TEXT NOT NULL,
        value REAL,
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
