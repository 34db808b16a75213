import type { Benchmark } from '@shared/benchmarks'
import type { DatasetFormat, DatasetSummary, QuestionRow } from '@shared/api/schemas/datasets'
import type { ParsedQuestion } from '../../domain/datasets/parseDatasetFile'

export interface DatasetRecord {
  id: number
  name: string
  benchmark: Benchmark
  format: DatasetFormat
  createdAt: string
}

/** A question as the services use it (with its dataset's grading family). */
export interface StoredQuestion extends QuestionRow {
  datasetId: number
  solution: string | null
  metadata: Record<string, unknown>
}

export interface StoreQuestionsResult {
  added: number
  unchanged: number
}

export interface QuestionPageQuery {
  datasetId: number
  split?: string
  search?: string
  offset: number
  limit: number
}

/** Datasets, their splits' questions and the record of which files were imported. */
export interface DatasetRepository {
  findByName(name: string): DatasetRecord | undefined
  /** `not_found` when there is none. */
  get(id: number): DatasetRecord
  create(input: { name: string; benchmark: Benchmark; format: DatasetFormat }): DatasetRecord
  hasImport(datasetId: number, split: string, sha256: string): boolean
  /**
   * Stores parsed questions in a dataset split. A question whose id is already there with the same content is left
   * alone; with different content it is a `conflict` and nothing at all is stored. Call inside a transaction.
   */
  storeQuestions(datasetId: number, split: string, questions: readonly ParsedQuestion[], fileName: string): StoreQuestionsResult
  recordImport(input: { datasetId: number; split: string; fileName: string; sha256: string; added: number; skipped: number }): void
  list(): DatasetSummary[]
  questionPage(query: QuestionPageQuery): { total: number; items: QuestionRow[] }
  /** Questions of a split (or of every split) in their stored order. */
  questionsOf(datasetId: number, split?: string): StoredQuestion[]
  /** `not_found` when there is none. */
  getQuestion(id: number): StoredQuestion
  /** Removes a dataset; `conflict` while a run or an evaluation still refers to it. */
  remove(datasetId: number): boolean
}
