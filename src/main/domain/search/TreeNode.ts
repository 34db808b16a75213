import type { Role } from '@shared/roles'
import type { ChatMessage, StopReason } from '../agents/types'

/**
 * One stored node of a question's search tree (Algorithm 1): a role's output at a path such as `g1.v0.r2`, with the
 * prompt it answered, its grade and what it cost. Every other node shape (a new node, the text-free row that credit
 * assignment reads, what an export needs) is a view of this one.
 */
export interface TreeNode {
  id: number
  runId: number
  questionId: number
  parentId: number | null
  role: Role
  /** Which of its parent's n children it is (0-based). */
  branch: number
  path: string
  prompt: ChatMessage[]
  text: string
  /** The answer extracted from the text, or null when none was found. */
  answer: string | null
  /** Whether the answer matches the gold one (the column allows null; the tree search always grades). */
  correct: boolean | null
  /** 1/0 for refiner leaves, null otherwise. */
  reward: number | null
  seed: number
  stopReason: StopReason
  promptTokens: number
  evaluatedPromptTokens: number
  completionTokens: number
  durationMs: number
  createdAt: string
}

/** A node about to be stored: the store gives it its id and time, and it is always graded. */
export type NewTreeNode = Omit<TreeNode, 'id' | 'createdAt' | 'correct'> & { correct: boolean }

/** The columns credit assignment, statistics and the explorer need, without texts. */
export type TreeNodeRow = Pick<TreeNode, 'id' | 'questionId' | 'parentId' | 'role' | 'branch' | 'path' | 'answer' | 'correct' | 'reward' | 'completionTokens'>
