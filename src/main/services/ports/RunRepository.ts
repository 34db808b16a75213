import type { RunConfig, RunStatus } from '@shared/api/schemas/runs'
import type { ChatMessage, Role, StopReason } from '../../domain/agents/types'

export interface RunRecord {
  id: number
  name: string
  datasetId: number
  split: string
  config: RunConfig
  status: RunStatus
  error: string | null
  createdAt: string
  updatedAt: string
  finishedAt: string | null
}

export interface RunCounts {
  questionCount: number
  nodeCount: number
  completeQuestions: number
  correctByRole: Record<Role, { correct: number; total: number }>
}

export interface NewTreeNode {
  runId: number
  questionId: number
  parentId: number | null
  role: Role
  branch: number
  path: string
  prompt: ChatMessage[]
  text: string
  answer: string | null
  correct: boolean
  /** 1/0 for refiner leaves, null otherwise. */
  reward: number | null
  seed: number
  stopReason: StopReason
  promptTokens: number
  evaluatedPromptTokens: number
  completionTokens: number
  durationMs: number
}

/** The columns credit assignment, statistics and the explorer need, without texts. */
export interface TreeNodeRow {
  id: number
  questionId: number
  parentId: number | null
  role: Role
  branch: number
  path: string
  answer: string | null
  correct: boolean | null
  reward: number | null
  completionTokens: number
}

export interface TreeNodeFull extends TreeNodeRow {
  runId: number
  text: string
  prompt: ChatMessage[]
  seed: number
  stopReason: string
  promptTokens: number
  evaluatedPromptTokens: number
  durationMs: number
  createdAt: string
}

/** Generation runs, their fixed question lists and every node of their trees. */
export interface RunRepository {
  create(input: { name: string; config: RunConfig; questionIds: readonly number[] }): number
  /** `not_found` when there is none. */
  get(runId: number): RunRecord
  /** Newest first. */
  list(): RunRecord[]
  setStatus(runId: number, status: RunStatus, error?: string | null): void
  /** The run's questions in their fixed order. */
  questionIds(runId: number): number[]
  counts(runId: number, nodesPerQuestion: number): RunCounts
  /** Stores one node durably; storing the same node (run, question, path) twice throws. */
  insertNode(node: NewTreeNode): number
  /** Nodes of one question with their texts: what resuming that question needs. */
  nodesOfQuestion(runId: number, questionId: number): { id: number; path: string; role: Role; text: string }[]
  /** All nodes of a run (or of one question) without texts, for credit assignment and statistics. */
  nodeRows(runId: number, questionId?: number): TreeNodeRow[]
  /** Full nodes by id, texts and prompts included. */
  nodesById(ids: readonly number[]): Map<number, TreeNodeFull>
  /** `not_found` when there is none. */
  node(nodeId: number): TreeNodeFull
  /** First-line previews of many nodes, for drawing trees. Defaults to 160 characters. */
  previews(ids: readonly number[], length?: number): Map<number, string>
}
