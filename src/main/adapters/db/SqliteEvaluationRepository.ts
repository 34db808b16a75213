import type { Role } from '@shared/roles'
import type { EvaluationConfig } from '@shared/api/schemas/evaluations'
import { NotFoundError } from '@shared/errors/NotFoundError'
import type { ChatMessage } from '../../domain/agents/types'
import type {
  EvalItemVerdict,
  EvalOutputRow,
  EvalStage,
  EvalUnitRow,
  EvaluationRecord,
  EvaluationRepository,
  NewEvalOutput,
  StoredEvaluationStatus
} from '../../services/ports/EvaluationRepository'
import type { WorkbenchDatabase } from './WorkbenchDatabase'

interface EvaluationDbRow {
  id: number
  name: string
  dataset_id: number
  split: string
  config_json: string
  status: StoredEvaluationStatus
  error: string | null
  results_json: string | null
  created_at: string
  updated_at: string
  finished_at: string | null
}

interface OutputDbRow {
  id: number
  seed: number
  question_id: number
  work_key: string
  pass: number
  stage: EvalStage
  role: Role
  adapter: string
  text: string
  answer: string | null
  correct: number
  sampling_seed: number
  stop_reason: string
  prompt_tokens: number
  evaluated_prompt_tokens: number
  completion_tokens: number
  duration_ms: number
  created_at: string
  prompt_json?: string
}

const toRecord = (row: EvaluationDbRow): EvaluationRecord => ({
  id: row.id,
  name: row.name,
  datasetId: row.dataset_id,
  split: row.split,
  config: JSON.parse(row.config_json) as EvaluationConfig,
  status: row.status,
  error: row.error,
  resultsJson: row.results_json,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  finishedAt: row.finished_at
})

const outputColumns =
  'id, seed, question_id, work_key, pass, stage, role, adapter, text, answer, correct, sampling_seed, stop_reason, prompt_tokens, evaluated_prompt_tokens, completion_tokens, duration_ms, created_at'

const toOutput = (row: OutputDbRow): EvalOutputRow => ({
  id: row.id,
  seed: row.seed,
  questionId: row.question_id,
  key: row.work_key,
  pass: row.pass,
  stage: row.stage,
  role: row.role,
  adapter: row.adapter,
  text: row.text,
  answer: row.answer,
  correct: row.correct === 1,
  samplingSeed: row.sampling_seed,
  stopReason: row.stop_reason,
  promptTokens: row.prompt_tokens,
  evaluatedPromptTokens: row.evaluated_prompt_tokens,
  completionTokens: row.completion_tokens,
  durationMs: row.duration_ms,
  createdAt: row.created_at,
  ...(row.prompt_json !== undefined ? { prompt: JSON.parse(row.prompt_json) as ChatMessage[] } : {})
})

/** SQLite binds at most 32766 variables; item filters go in chunks well below that. */
const chunkSize = 400

/** Evaluations, their stored work units (`eval_outputs`) and per-item verdicts (`eval_items`), in SQLite. */
export class SqliteEvaluationRepository implements EvaluationRepository {
  constructor(private readonly store: WorkbenchDatabase) {}

  private get db() {
    return this.store.db
  }

  create(input: { name: string; config: EvaluationConfig }): number {
    const now = new Date().toISOString()
    const result = this.db
      .prepare(`INSERT INTO evaluations (name, dataset_id, split, config_json, status, created_at, updated_at) VALUES (?, ?, ?, ?, 'created', ?, ?)`)
      .run(input.name, input.config.datasetId, input.config.split, JSON.stringify(input.config), now, now)
    return Number(result.lastInsertRowid)
  }

  get(evaluationId: number): EvaluationRecord {
    const row = this.db.prepare('SELECT * FROM evaluations WHERE id = ?').get(evaluationId) as EvaluationDbRow | undefined
    if (!row) throw new NotFoundError('evaluation', evaluationId)
    return toRecord(row)
  }

  list(): EvaluationRecord[] {
    return (this.db.prepare('SELECT * FROM evaluations ORDER BY id DESC').all() as EvaluationDbRow[]).map(toRecord)
  }

  setStatus(evaluationId: number, status: StoredEvaluationStatus, error: string | null = null): void {
    const now = new Date().toISOString()
    this.db
      .prepare('UPDATE evaluations SET status = ?, error = ?, updated_at = ?, finished_at = ? WHERE id = ?')
      .run(status, error, now, status === 'completed' ? now : null, evaluationId)
  }

  /** Marks a running evaluation alive (`updated_at`), so readers can tell a live job from an interrupted one. */
  touch(evaluationId: number): void {
    this.db.prepare('UPDATE evaluations SET updated_at = ? WHERE id = ?').run(new Date().toISOString(), evaluationId)
  }

  remove(evaluationId: number): boolean {
    return this.store.transaction(() => {
      this.db.prepare('DELETE FROM eval_items WHERE evaluation_id = ?').run(evaluationId)
      this.db.prepare('DELETE FROM eval_outputs WHERE evaluation_id = ?').run(evaluationId)
      return this.db.prepare('DELETE FROM evaluations WHERE id = ?').run(evaluationId).changes > 0
    })
  }

  /**
   * Stores one unit in its own implicit transaction, so it is durable when this returns. UNIQUE (evaluation,
   * question, seed, key) makes a second insert of the same unit impossible; that would be a bug, so it throws.
   */
  insertOutput(output: NewEvalOutput): number {
    const result = this.db
      .prepare(
        `INSERT INTO eval_outputs (evaluation_id, question_id, seed, work_key, pass, stage, role, adapter, prompt_json, text, answer, correct,
           sampling_seed, stop_reason, prompt_tokens, evaluated_prompt_tokens, completion_tokens, duration_ms, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
      )
      .run(
        output.evaluationId,
        output.questionId,
        output.seed,
        output.key,
        output.pass,
        output.stage,
        output.role,
        output.adapter,
        JSON.stringify(output.prompt),
        output.text,
        output.answer,
        output.correct ? 1 : 0,
        output.samplingSeed,
        output.stopReason,
        output.promptTokens,
        output.evaluatedPromptTokens,
        output.completionTokens,
        output.durationMs,
        new Date().toISOString()
      )
    return Number(result.lastInsertRowid)
  }

  /** The stored units of one item with their texts: what resuming it needs. */
  storedOfItem(evaluationId: number, seed: number, questionId: number): { key: string; text: string }[] {
    return this.db
      .prepare('SELECT work_key AS key, text FROM eval_outputs WHERE evaluation_id = ? AND seed = ? AND question_id = ?')
      .all(evaluationId, seed, questionId) as { key: string; text: string }[]
  }

  /** Every stored unit without texts, for aggregation. */
  unitRows(evaluationId: number): EvalUnitRow[] {
    const rows = this.db
      .prepare('SELECT id, seed, question_id, work_key, answer, correct, completion_tokens FROM eval_outputs WHERE evaluation_id = ? ORDER BY id')
      .all(evaluationId) as { id: number; seed: number; question_id: number; work_key: string; answer: string | null; correct: number; completion_tokens: number }[]
    return rows.map((row) => ({
      id: row.id,
      seed: row.seed,
      questionId: row.question_id,
      key: row.work_key,
      answer: row.answer,
      correct: row.correct === 1,
      completionTokens: row.completion_tokens
    }))
  }

  /** Stored units per item. */
  countsByItem(evaluationId: number): { seed: number; questionId: number; units: number }[] {
    return (
      this.db
        .prepare('SELECT seed, question_id, count(*) AS n FROM eval_outputs WHERE evaluation_id = ? GROUP BY seed, question_id')
        .all(evaluationId) as { seed: number; question_id: number; n: number }[]
    ).map((row) => ({ seed: row.seed, questionId: row.question_id, units: row.n }))
  }

  unitCount(evaluationId: number): number {
    return (this.db.prepare('SELECT count(*) AS n FROM eval_outputs WHERE evaluation_id = ?').get(evaluationId) as { n: number }).n
  }

  /**
   * Full stored units (texts included) of the given items, optionally only the given keys; prompts only when asked
   * for. Ordered by id (the order they were stored in).
   */
  outputsOf(
    evaluationId: number,
    items: readonly { seed: number; questionId: number }[],
    options: { keys?: readonly string[]; prompts?: boolean } = {}
  ): EvalOutputRow[] {
    const columns = options.prompts ? `${outputColumns}, prompt_json` : outputColumns
    const out: EvalOutputRow[] = []
    const keyFilter = options.keys ? new Set(options.keys) : null
    for (let i = 0; i < items.length; i += chunkSize) {
      const chunk = items.slice(i, i + chunkSize)
      const questionIds = [...new Set(chunk.map((item) => item.questionId))]
      const wanted = new Set(chunk.map((item) => `${item.seed}:${item.questionId}`))
      const rows = this.db
        .prepare(`SELECT ${columns} FROM eval_outputs WHERE evaluation_id = ? AND question_id IN (${questionIds.map(() => '?').join(',')}) ORDER BY id`)
        .all(evaluationId, ...questionIds) as OutputDbRow[]
      for (const row of rows) {
        if (!wanted.has(`${row.seed}:${row.question_id}`)) continue
        if (keyFilter && !keyFilter.has(row.work_key)) continue
        out.push(toOutput(row))
      }
    }
    return out.sort((a, b) => a.id - b.id)
  }

  /** Writes the completed evaluation's summary and per-item verdicts in one transaction. */
  storeResults(evaluationId: number, resultsJson: string, verdicts: readonly EvalItemVerdict[]): void {
    this.store.transaction(() => {
      this.db.prepare('UPDATE evaluations SET results_json = ? WHERE id = ?').run(resultsJson, evaluationId)
      this.db.prepare('DELETE FROM eval_items WHERE evaluation_id = ?').run(evaluationId)
      const insert = this.db.prepare(
        'INSERT INTO eval_items (evaluation_id, configuration, seed, question_id, answer, correct, detail_json) VALUES (?, ?, ?, ?, ?, ?, ?)'
      )
      for (const verdict of verdicts) {
        insert.run(evaluationId, verdict.configuration, verdict.seed, verdict.questionId, verdict.answer, verdict.correct ? 1 : 0, JSON.stringify(verdict.detail))
      }
    })
  }
}
