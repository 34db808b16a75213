import type { Role } from '@shared/roles'
import type { EvaluationConfig } from '@shared/api/schemas/evaluations'
import type { ChatMessage, StopReason } from '../../domain/agents/types'

/** What is stored of an evaluation's status; `interrupted` is derived when reading, never stored. */
export type StoredEvaluationStatus = 'created' | 'running' | 'paused' | 'completed' | 'cancelled' | 'failed'

export interface EvaluationRecord {
  id: number
  name: string
  datasetId: number
  split: string
  config: EvaluationConfig
  status: StoredEvaluationStatus
  error: string | null
  /** The aggregated summary stored at completion, as JSON text; null before. */
  resultsJson: string | null
  createdAt: string
  updatedAt: string
  finishedAt: string | null
}

export type EvalStage = Role | 'debate'

export interface NewEvalOutput {
  evaluationId: number
  questionId: number
  seed: number
  key: string
  pass: number
  stage: EvalStage
  role: Role
  /** `base` or `#<id>`. */
  adapter: string
  prompt: ChatMessage[]
  text: string
  answer: string | null
  correct: boolean
  samplingSeed: number
  stopReason: StopReason
  promptTokens: number
  evaluatedPromptTokens: number
  completionTokens: number
  durationMs: number
}

/** A stored unit without its text: what aggregation reads. */
export interface EvalUnitRow {
  id: number
  seed: number
  questionId: number
  key: string
  answer: string | null
  correct: boolean
  completionTokens: number
}

export interface EvalOutputRow extends EvalUnitRow {
  pass: number
  stage: EvalStage
  role: Role
  adapter: string
  text: string
  samplingSeed: number
  stopReason: string
  promptTokens: number
  evaluatedPromptTokens: number
  durationMs: number
  createdAt: string
  /** Only when asked for. */
  prompt?: ChatMessage[]
}

/** One configuration's verdict on one item, materialized at completion. */
export interface EvalItemVerdict {
  configuration: string
  seed: number
  questionId: number
  answer: string | null
  correct: boolean
  detail: Record<string, unknown>
}

/** Evaluations, their stored work units and per-item verdicts. */
export interface EvaluationRepository {
  create(input: { name: string; config: EvaluationConfig }): number
  /** `not_found` when there is none. */
  get(evaluationId: number): EvaluationRecord
  /** Newest first. */
  list(): EvaluationRecord[]
  setStatus(evaluationId: number, status: StoredEvaluationStatus, error?: string | null): void
  /** Marks a running evaluation alive, so readers can tell a live job from an interrupted one. */
  touch(evaluationId: number): void
  /** Removes the evaluation with its units and verdicts. */
  remove(evaluationId: number): boolean
  /** Stores one unit durably; storing the same unit (evaluation, question, seed, key) twice throws. */
  insertOutput(output: NewEvalOutput): number
  /** The stored units of one item with their texts: what resuming it needs. */
  storedOfItem(evaluationId: number, seed: number, questionId: number): { key: string; text: string }[]
  /** Every stored unit without texts, for aggregation. */
  unitRows(evaluationId: number): EvalUnitRow[]
  /** Stored units per item. */
  countsByItem(evaluationId: number): { seed: number; questionId: number; units: number }[]
  unitCount(evaluationId: number): number
  /**
   * Full stored units (texts included) of the given items, optionally only the given keys; prompts only when asked
   * for. In the order they were stored.
   */
  outputsOf(evaluationId: number, items: readonly { seed: number; questionId: number }[], options?: { keys?: readonly string[]; prompts?: boolean }): EvalOutputRow[]
  /** Writes the completed evaluation's summary and per-item verdicts together. */
  storeResults(evaluationId: number, resultsJson: string, verdicts: readonly EvalItemVerdict[]): void
}
