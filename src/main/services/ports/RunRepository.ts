import type { Role } from '@shared/roles'
import type { RunConfig, RunStatus } from '@shared/api/schemas/runs'
import type { NewTreeNode, TreeNode, TreeNodeRow } from '../../domain/search/TreeNode'

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
  nodesById(ids: readonly number[]): Map<number, TreeNode>
  /** `not_found` when there is none. */
  node(nodeId: number): TreeNode
  /** First-line previews of many nodes, for drawing trees. Defaults to 160 characters. */
  previews(ids: readonly number[], length?: number): Map<number, string>
}
