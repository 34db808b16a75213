import type { Migration } from './index'

export const m004Evaluations: Migration = {
  version: 4,
  name: 'evaluations and per-item results',
  up(db) {
    db.exec(`
      -- An evaluation (paper §5): configurations × seeded test subsets. config_json holds everything the plan is a
      -- pure function of (configurations, bound adapter sets, question pool, subset size, seeds, sampling, model,
      -- template ids), so re-planning reproduces it exactly on resume and for aggregation.
      CREATE TABLE evaluations (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        dataset_id INTEGER NOT NULL REFERENCES datasets(id),
        split TEXT NOT NULL,
        config_json TEXT NOT NULL,
        status TEXT NOT NULL,
        error TEXT,
        -- The aggregated summary, written when the evaluation completes; always recomputable from eval_outputs.
        results_json TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        finished_at TEXT
      );

      -- One work unit: one stage output of one pass on one item (seed, question), keyed by its chain
      -- ('p1/G[#12]>V[#13]'). The unit an evaluation stores and never recomputes; UNIQUE makes a duplicate impossible.
      CREATE TABLE eval_outputs (
        id INTEGER PRIMARY KEY,
        evaluation_id INTEGER NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
        question_id INTEGER NOT NULL REFERENCES questions(id),
        seed INTEGER NOT NULL,
        work_key TEXT NOT NULL,
        pass INTEGER NOT NULL,
        -- 'generator', 'verifier', 'refiner', or 'debate' (a debate agent's answer, run as the generator role).
        stage TEXT NOT NULL CHECK (stage IN ('generator', 'verifier', 'refiner', 'debate')),
        role TEXT NOT NULL CHECK (role IN ('generator', 'verifier', 'refiner')),
        -- 'base' or '#<adapter id>', as in the work key.
        adapter TEXT NOT NULL,
        prompt_json TEXT NOT NULL,
        text TEXT NOT NULL,
        -- What the grader extracted (for a verifier: the answer it states, often none).
        answer TEXT,
        correct INTEGER NOT NULL,
        sampling_seed INTEGER NOT NULL,
        stop_reason TEXT NOT NULL,
        prompt_tokens INTEGER NOT NULL DEFAULT 0,
        evaluated_prompt_tokens INTEGER NOT NULL DEFAULT 0,
        completion_tokens INTEGER NOT NULL DEFAULT 0,
        duration_ms REAL NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        UNIQUE (evaluation_id, question_id, seed, work_key)
      );
      CREATE INDEX eval_outputs_by_item ON eval_outputs (evaluation_id, seed, question_id);

      -- The verdict of one configuration on one item for one seed (after voting, if any), materialized from
      -- eval_outputs with results_json when the evaluation completes, for plain-SQL analysis.
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
