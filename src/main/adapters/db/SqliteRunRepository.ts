import { perRole, type Role } from '@shared/roles'
import type { RunConfig, RunStatus } from '@shared/api/schemas/runs'
import { NotFoundError } from '@shared/errors/NotFoundError'
import type { ChatMessage, StopReason } from '../../domain/agents/types'
import type { NewTreeNode, TreeNode, TreeNodeRow } from '../../domain/search/TreeNode'
import type { RunCounts, RunRecord, RunRepository } from '../../services/ports/RunRepository'
import type { WorkbenchDatabase } from './WorkbenchDatabase'

interface RunDbRow {
  id: number
  name: string
  dataset_id: number
  split: string
  config_json: string
  status: RunStatus
  error: string | null
  created_at: string
  updated_at: string
  finished_at: string | null
}

interface NodeDbRow {
  id: number
  run_id: number
  question_id: number
  parent_id: number | null
  role: Role
  branch: number
  path: string
  answer: string | null
  correct: number | null
  reward: number | null
  completion_tokens: number
}

const toRun = (row: RunDbRow): RunRecord => ({
  id: row.id,
  name: row.name,
  datasetId: row.dataset_id,
  split: row.split,
  config: JSON.parse(row.config_json) as RunConfig,
  status: row.status,
  error: row.error,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  finishedAt: row.finished_at
})

const toNodeRow = (row: NodeDbRow): TreeNodeRow => ({
  id: row.id,
  questionId: row.question_id,
  parentId: row.parent_id,
  role: row.role,
  branch: row.branch,
  path: row.path,
  answer: row.answer,
  correct: row.correct === null ? null : row.correct === 1,
  reward: row.reward,
  completionTokens: row.completion_tokens
})

const nodeRowColumns = 'id, run_id, question_id, parent_id, role, branch, path, answer, correct, reward, completion_tokens'

/** Runs, their question lists and tree nodes in SQLite (m002). */
export class SqliteRunRepository implements RunRepository {
  constructor(private readonly store: WorkbenchDatabase) {}

  private get db() {
    return this.store.db
  }

  create(input: { name: string; config: RunConfig; questionIds: readonly number[] }): number {
    return this.store.transaction(() => {
      const now = new Date().toISOString()
      const result = this.db
        .prepare(
          `INSERT INTO runs (name, dataset_id, split, config_json, status, created_at, updated_at) VALUES (?, ?, ?, ?, 'created', ?, ?)`
        )
        .run(input.name, input.config.datasetId, input.config.split, JSON.stringify(input.config), now, now)
      const runId = Number(result.lastInsertRowid)
      const insert = this.db.prepare('INSERT INTO run_questions (run_id, question_id, ordinal) VALUES (?, ?, ?)')
      input.questionIds.forEach((questionId, ordinal) => insert.run(runId, questionId, ordinal))
      return runId
    })
  }

  get(runId: number): RunRecord {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(runId) as RunDbRow | undefined
    if (!row) throw new NotFoundError('run', runId)
    return toRun(row)
  }

  list(): RunRecord[] {
    return (this.db.prepare('SELECT * FROM runs ORDER BY id DESC').all() as RunDbRow[]).map(toRun)
  }

  setStatus(runId: number, status: RunStatus, error: string | null = null): void {
    const now = new Date().toISOString()
    const finished = status === 'completed' ? now : null
    this.db.prepare('UPDATE runs SET status = ?, error = ?, updated_at = ?, finished_at = ? WHERE id = ?').run(status, error, now, finished, runId)
  }

  /** The run's questions in their fixed order. */
  questionIds(runId: number): number[] {
    return (this.db.prepare('SELECT question_id FROM run_questions WHERE run_id = ? ORDER BY ordinal').all(runId) as { question_id: number }[]).map(
      (row) => row.question_id
    )
  }

  counts(runId: number, nodesPerQuestion: number): RunCounts {
    const questionCount = (this.db.prepare('SELECT count(*) AS n FROM run_questions WHERE run_id = ?').get(runId) as { n: number }).n
    const perQuestion = this.db
      .prepare('SELECT question_id, count(*) AS n FROM tree_nodes WHERE run_id = ? GROUP BY question_id')
      .all(runId) as { question_id: number; n: number }[]
    const byRole = this.db
      // A verifier that states no answer of its own is not counted (the same rule as the run analysis).
      .prepare(
        "SELECT role, sum(correct) AS correct, count(*) AS total FROM tree_nodes WHERE run_id = ? AND (role != 'verifier' OR answer IS NOT NULL) GROUP BY role"
      )
      .all(runId) as { role: Role; correct: number | null; total: number }[]
    const correctByRole: RunCounts['correctByRole'] = perRole(() => ({ correct: 0, total: 0 }))
    for (const row of byRole) correctByRole[row.role] = { correct: row.correct ?? 0, total: row.total }
    return {
      questionCount,
      nodeCount: perQuestion.reduce((sum, row) => sum + row.n, 0),
      completeQuestions: perQuestion.filter((row) => row.n >= nodesPerQuestion).length,
      correctByRole
    }
  }

  /**
   * Stores one node in its own implicit transaction, so it is durable when this returns. The UNIQUE (run, question,
   * path) constraint makes a second insert of the same node impossible; that would be a bug, so it throws.
   */
  insertNode(node: NewTreeNode): number {
    const result = this.db
      .prepare(
        `INSERT INTO tree_nodes (run_id, question_id, parent_id, role, branch, path, prompt_json, text, answer, correct, reward, seed,
           stop_reason, prompt_tokens, evaluated_prompt_tokens, completion_tokens, duration_ms, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
      )
      .run(
        node.runId,
        node.questionId,
        node.parentId,
        node.role,
        node.branch,
        node.path,
        JSON.stringify(node.prompt),
        node.text,
        node.answer,
        node.correct ? 1 : 0,
        node.reward,
        node.seed,
        node.stopReason,
        node.promptTokens,
        node.evaluatedPromptTokens,
        node.completionTokens,
        node.durationMs,
        new Date().toISOString()
      )
    return Number(result.lastInsertRowid)
  }

  /** Nodes of one question with their texts: what resuming that question needs. */
  nodesOfQuestion(runId: number, questionId: number): { id: number; path: string; role: Role; text: string }[] {
    return this.db.prepare('SELECT id, path, role, text FROM tree_nodes WHERE run_id = ? AND question_id = ? ORDER BY path').all(runId, questionId) as {
      id: number
      path: string
      role: Role
      text: string
    }[]
  }

  /** All nodes of a run without texts, for credit assignment and statistics. */
  nodeRows(runId: number, questionId?: number): TreeNodeRow[] {
    const rows = (
      questionId === undefined
        ? this.db.prepare(`SELECT ${nodeRowColumns} FROM tree_nodes WHERE run_id = ? ORDER BY id`).all(runId)
        : this.db.prepare(`SELECT ${nodeRowColumns} FROM tree_nodes WHERE run_id = ? AND question_id = ? ORDER BY id`).all(runId, questionId)
    ) as NodeDbRow[]
    return rows.map(toNodeRow)
  }

  /** Full nodes by id, texts and prompts included (exports read them in batches). */
  nodesById(ids: readonly number[]): Map<number, TreeNode> {
    const out = new Map<number, TreeNode>()
    const statement = this.db.prepare(`SELECT * FROM tree_nodes WHERE id IN (SELECT value FROM json_each(?))`)
    for (let i = 0; i < ids.length; i += 500) {
      const rows = statement.all(JSON.stringify(ids.slice(i, i + 500))) as (NodeDbRow & {
        text: string
        prompt_json: string
        seed: number
        stop_reason: string
        prompt_tokens: number
        evaluated_prompt_tokens: number
        duration_ms: number
        created_at: string
      })[]
      for (const row of rows) {
        out.set(row.id, {
          ...toNodeRow(row),
          runId: row.run_id,
          text: row.text,
          prompt: JSON.parse(row.prompt_json) as ChatMessage[],
          seed: row.seed,
          stopReason: row.stop_reason as StopReason,
          promptTokens: row.prompt_tokens,
          evaluatedPromptTokens: row.evaluated_prompt_tokens,
          durationMs: row.duration_ms,
          createdAt: row.created_at
        })
      }
    }
    return out
  }

  node(nodeId: number): TreeNode {
    const node = this.nodesById([nodeId]).get(nodeId)
    if (!node) throw new NotFoundError('tree node', nodeId)
    return node
  }

  /** First-line previews of many nodes, for drawing trees. */
  previews(ids: readonly number[], length = 160): Map<number, string> {
    const out = new Map<number, string>()
    const statement = this.db.prepare(`SELECT id, substr(text, 1, ?) AS preview FROM tree_nodes WHERE id IN (SELECT value FROM json_each(?))`)
    for (let i = 0; i < ids.length; i += 500) {
      for (const row of statement.all(length, JSON.stringify(ids.slice(i, i + 500))) as { id: number; preview: string }[]) out.set(row.id, row.preview)
    }
    return out
  }
}
