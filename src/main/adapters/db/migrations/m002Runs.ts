import type { Migration } from './index'

export const m002Runs: Migration = {
  version: 2,
  name: 'models, generation runs, tree nodes, pairs',
  up(db) {
    db.exec(`
      CREATE TABLE models (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        facts_json TEXT NOT NULL DEFAULT '{}',
        added_at TEXT NOT NULL
      );

      -- A tree-search generation run (Algorithm 1). The config holds everything needed to resume it exactly.
      CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        dataset_id INTEGER NOT NULL REFERENCES datasets(id),
        split TEXT NOT NULL,
        config_json TEXT NOT NULL,
        status TEXT NOT NULL,
        error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        finished_at TEXT
      );

      -- The questions a run covers, in order; fixed when the run is created so resuming picks the same ones.
      CREATE TABLE run_questions (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        question_id INTEGER NOT NULL REFERENCES questions(id),
        ordinal INTEGER NOT NULL,
        PRIMARY KEY (run_id, question_id)
      );

      -- One generator, verifier or refiner output. 'path' is the branch indices from the root ("2", "2.0",
      -- "2.0.1"); UNIQUE (run, question, path) is what makes a resumed run unable to duplicate a node.
      CREATE TABLE tree_nodes (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        question_id INTEGER NOT NULL REFERENCES questions(id),
        parent_id INTEGER REFERENCES tree_nodes(id),
        role TEXT NOT NULL CHECK (role IN ('generator', 'verifier', 'refiner')),
        branch INTEGER NOT NULL,
        path TEXT NOT NULL,
        prompt_json TEXT NOT NULL,
        text TEXT NOT NULL,
        answer TEXT,
        -- Whether the extracted answer matches the gold one (every role); for refiner leaves it is the reward.
        correct INTEGER,
        reward INTEGER,
        seed INTEGER NOT NULL,
        stop_reason TEXT NOT NULL,
        prompt_tokens INTEGER NOT NULL,
        evaluated_prompt_tokens INTEGER NOT NULL,
        completion_tokens INTEGER NOT NULL,
        duration_ms REAL NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (run_id, question_id, path)
      );
      CREATE INDEX tree_nodes_by_parent ON tree_nodes (parent_id);
      CREATE INDEX tree_nodes_by_question ON tree_nodes (run_id, question_id);

      -- Preference pairs materialized for one credit-assignment setting (threshold, pooling, cap).
      CREATE TABLE pairs (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        role TEXT NOT NULL,
        question_id INTEGER NOT NULL REFERENCES questions(id),
        parent_node_id INTEGER REFERENCES tree_nodes(id),
        chosen_node_id INTEGER NOT NULL REFERENCES tree_nodes(id),
        rejected_node_id INTEGER NOT NULL REFERENCES tree_nodes(id),
        setting TEXT NOT NULL,
        UNIQUE (run_id, setting, chosen_node_id, rejected_node_id)
      );
    `)
  }
}
