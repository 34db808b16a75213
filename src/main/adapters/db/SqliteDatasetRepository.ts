import type { Benchmark } from '@shared/benchmarks'
import type { DatasetFormat, DatasetSummary, QuestionRow } from '@shared/api/schemas/datasets'
import { AppError } from '@shared/errors'
import { NotFoundError } from '@shared/errors/NotFoundError'
import type { ParsedQuestion } from '../../domain/datasets/parseDatasetFile'
import type {
  DatasetRecord,
  DatasetRepository,
  QuestionPageQuery,
  StoredQuestion,
  StoreQuestionsResult
} from '../../services/ports/DatasetRepository'
import type { WorkbenchDatabase } from './WorkbenchDatabase'

interface QuestionDbRow {
  id: number
  dataset_id: number
  split: string
  external_id: string
  ordinal: number
  question: string
  answer: string
  choices_json: string | null
  solution: string | null
  metadata_json: string
}

/** Datasets, questions and imports in SQLite (m001). */
export class SqliteDatasetRepository implements DatasetRepository {
  constructor(private readonly store: WorkbenchDatabase) {}

  private get db() {
    return this.store.db
  }

  findByName(name: string): DatasetRecord | undefined {
    const row = this.db.prepare('SELECT id, name, benchmark, format, created_at FROM datasets WHERE name = ?').get(name) as
      | { id: number; name: string; benchmark: Benchmark; format: DatasetFormat; created_at: string }
      | undefined
    return row && { id: row.id, name: row.name, benchmark: row.benchmark, format: row.format, createdAt: row.created_at }
  }

  get(id: number): DatasetRecord {
    const row = this.db.prepare('SELECT id, name, benchmark, format, created_at FROM datasets WHERE id = ?').get(id) as
      | { id: number; name: string; benchmark: Benchmark; format: DatasetFormat; created_at: string }
      | undefined
    if (!row) throw new NotFoundError('dataset', id)
    return { id: row.id, name: row.name, benchmark: row.benchmark, format: row.format, createdAt: row.created_at }
  }

  create(input: { name: string; benchmark: Benchmark; format: DatasetFormat }): DatasetRecord {
    const createdAt = new Date().toISOString()
    const result = this.db
      .prepare('INSERT INTO datasets (name, benchmark, format, created_at) VALUES (?, ?, ?, ?)')
      .run(input.name, input.benchmark, input.format, createdAt)
    return { id: Number(result.lastInsertRowid), ...input, createdAt }
  }

  hasImport(datasetId: number, split: string, sha256: string): boolean {
    return (
      this.db.prepare('SELECT 1 FROM dataset_imports WHERE dataset_id = ? AND split = ? AND sha256 = ?').get(datasetId, split, sha256) !==
      undefined
    )
  }

  /**
   * Stores parsed questions in a dataset split. A question whose id is already there with the same content is
   * left alone; with different content it is a conflict and nothing at all is stored. Call inside a transaction.
   */
  storeQuestions(datasetId: number, split: string, questions: readonly ParsedQuestion[], fileName: string): StoreQuestionsResult {
    const existing = this.db.prepare(
      'SELECT question, answer, choices_json FROM questions WHERE dataset_id = ? AND split = ? AND external_id = ?'
    )
    const nextOrdinal =
      (this.db.prepare('SELECT coalesce(max(ordinal), -1) + 1 AS n FROM questions WHERE dataset_id = ? AND split = ?').get(datasetId, split) as {
        n: number
      }).n
    const insert = this.db.prepare(
      `INSERT INTO questions (dataset_id, split, external_id, ordinal, question, answer, choices_json, solution, metadata_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
    )
    let added = 0
    let unchanged = 0
    for (const question of questions) {
      const choicesJson = question.choices ? JSON.stringify(question.choices) : null
      const found = existing.get(datasetId, split, question.externalId) as
        | { question: string; answer: string; choices_json: string | null }
        | undefined
      if (found) {
        if (found.question === question.question && found.answer === question.answer && found.choices_json === choicesJson) {
          unchanged++
          continue
        }
        throw new AppError(
          'conflict',
          `${fileName}:${question.line}: question '${question.externalId}' is already in split '${split}' with different content; import it under another name or split`,
          { file: fileName, line: question.line }
        )
      }
      insert.run(
        datasetId,
        split,
        question.externalId,
        nextOrdinal + added,
        question.question,
        question.answer,
        choicesJson,
        question.solution,
        JSON.stringify(question.metadata)
      )
      added++
    }
    return { added, unchanged }
  }

  recordImport(input: { datasetId: number; split: string; fileName: string; sha256: string; added: number; skipped: number }): void {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO dataset_imports (dataset_id, split, file_name, sha256, added, skipped, imported_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`
      )
      .run(input.datasetId, input.split, input.fileName, input.sha256, input.added, input.skipped, new Date().toISOString())
  }

  list(): DatasetSummary[] {
    const datasets = this.db.prepare('SELECT id, name, benchmark, format, created_at FROM datasets ORDER BY name').all() as {
      id: number
      name: string
      benchmark: Benchmark
      format: DatasetFormat
      created_at: string
    }[]
    const counts = this.db
      .prepare('SELECT dataset_id, split, count(*) AS n FROM questions GROUP BY dataset_id, split ORDER BY dataset_id, split')
      .all() as { dataset_id: number; split: string; n: number }[]
    return datasets.map((dataset) => {
      const splits = counts.filter((row) => row.dataset_id === dataset.id).map((row) => ({ split: row.split, count: row.n }))
      return {
        id: dataset.id,
        name: dataset.name,
        benchmark: dataset.benchmark,
        format: dataset.format,
        createdAt: dataset.created_at,
        questionCount: splits.reduce((sum, split) => sum + split.count, 0),
        splits
      }
    })
  }

  questionPage(input: QuestionPageQuery): { total: number; items: QuestionRow[] } {
    const where = ['dataset_id = @datasetId']
    if (input.split) where.push('split = @split')
    if (input.search) where.push("question LIKE @search ESCAPE '\\'")
    const params = {
      datasetId: input.datasetId,
      split: input.split,
      search: input.search ? `%${input.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined,
      offset: input.offset,
      limit: input.limit
    }
    const clause = where.join(' AND ')
    const total = (this.db.prepare(`SELECT count(*) AS n FROM questions WHERE ${clause}`).get(params) as { n: number }).n
    const rows = this.db
      .prepare(
        `SELECT id, dataset_id, split, external_id, ordinal, question, answer, choices_json, solution, metadata_json
         FROM questions WHERE ${clause} ORDER BY split, ordinal LIMIT @limit OFFSET @offset`
      )
      .all(params) as QuestionDbRow[]
    return { total, items: rows.map(toQuestionRow) }
  }

  /** Questions of a split in their stored order. */
  questionsOf(datasetId: number, split?: string): StoredQuestion[] {
    const rows = (
      split === undefined
        ? this.db.prepare('SELECT * FROM questions WHERE dataset_id = ? ORDER BY split, ordinal').all(datasetId)
        : this.db.prepare('SELECT * FROM questions WHERE dataset_id = ? AND split = ? ORDER BY ordinal').all(datasetId, split)
    ) as QuestionDbRow[]
    return rows.map(toStoredQuestion)
  }

  getQuestion(id: number): StoredQuestion {
    const row = this.db.prepare('SELECT * FROM questions WHERE id = ?').get(id) as QuestionDbRow | undefined
    if (!row) throw new NotFoundError('question', id)
    return toStoredQuestion(row)
  }

  /** Removes a dataset unless a run or an evaluation still refers to it. */
  remove(datasetId: number): boolean {
    this.get(datasetId)
    const users = this.db
      .prepare('SELECT (SELECT count(*) FROM runs WHERE dataset_id = ?) + (SELECT count(*) FROM evaluations WHERE dataset_id = ?) AS n')
      .get(datasetId, datasetId) as { n: number }
    if (users.n > 0) {
      throw new AppError('conflict', `dataset ${datasetId} is used by ${users.n} run(s) or evaluation(s); delete those first`)
    }
    return this.db.prepare('DELETE FROM datasets WHERE id = ?').run(datasetId).changes > 0
  }
}

function toQuestionRow(row: QuestionDbRow): QuestionRow {
  return {
    id: row.id,
    split: row.split,
    externalId: row.external_id,
    ordinal: row.ordinal,
    question: row.question,
    answer: row.answer,
    choices: row.choices_json ? (JSON.parse(row.choices_json) as string[]) : null
  }
}

function toStoredQuestion(row: QuestionDbRow): StoredQuestion {
  return {
    ...toQuestionRow(row),
    datasetId: row.dataset_id,
    solution: row.solution,
    metadata: JSON.parse(row.metadata_json) as Record<string, unknown>
  }
}
