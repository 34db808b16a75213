import type { Role } from '@shared/roles'
import type { ChatMessage } from '../agents/types'
import type { TreeNode } from '../search/TreeNode'

/**
 * Training records in TRL's conversational formats (trl docs, "Dataset formats"):
 * - SFT, prompt–completion: `{"prompt": [messages], "completion": [assistant message]}`; TRL applies the chat template
 *   and computes the loss on the completion only.
 * - DPO, explicit prompt: `{"prompt": [messages], "chosen": [assistant message], "rejected": [assistant message]}`.
 * Each record carries a `meta` object saying where it came from; TRL ignores extra columns once dropped.
 */

/** What a record is made of: a stored node without its grading and costs. */
export type ExportNode = Pick<TreeNode, 'id' | 'runId' | 'questionId' | 'parentId' | 'role' | 'branch' | 'path' | 'text' | 'prompt' | 'answer' | 'reward'>

export interface SftRecord {
  prompt: ChatMessage[]
  completion: ChatMessage[]
  meta: { run_id: number; question_id: number; node_id: number; role: Role; value: number | null }
}

export interface DpoRecord {
  prompt: ChatMessage[]
  chosen: ChatMessage[]
  rejected: ChatMessage[]
  meta: { run_id: number; question_id: number; role: Role; parent_node_id: number | null; chosen_node_id: number; rejected_node_id: number }
}

export interface TreeRecord {
  run_id: number
  question_id: number
  node_id: number
  parent_id: number | null
  role: Role
  branch: number
  path: string
  text: string
  answer: string | null
  /** The leaf reward (refiner nodes only). */
  reward: number | null
  value: number | null
  label: boolean | null
}

const assistant = (content: string): ChatMessage[] => [{ role: 'assistant', content }]

export function toSftRecord(node: ExportNode, value: number | null): SftRecord {
  return {
    prompt: node.prompt,
    completion: assistant(node.text),
    meta: { run_id: node.runId, question_id: node.questionId, node_id: node.id, role: node.role, value }
  }
}

export function toDpoRecord(chosen: ExportNode, rejected: ExportNode, parentNodeId: number | null): DpoRecord {
  if (JSON.stringify(chosen.prompt) !== JSON.stringify(rejected.prompt)) {
    throw new Error(`pair ${chosen.id}/${rejected.id}: siblings must share their prompt`)
  }
  return {
    prompt: chosen.prompt,
    chosen: assistant(chosen.text),
    rejected: assistant(rejected.text),
    meta: {
      run_id: chosen.runId,
      question_id: chosen.questionId,
      role: chosen.role,
      parent_node_id: parentNodeId,
      chosen_node_id: chosen.id,
      rejected_node_id: rejected.id
    }
  }
}

export function toTreeRecord(node: ExportNode, credit: { value: number | null; label: boolean | null } | undefined): TreeRecord {
  return {
    run_id: node.runId,
    question_id: node.questionId,
    node_id: node.id,
    parent_id: node.parentId,
    role: node.role,
    branch: node.branch,
    path: node.path,
    text: node.text,
    answer: node.answer,
    reward: node.role === 'refiner' ? node.reward : null,
    value: credit?.value ?? null,
    label: credit?.label ?? null
  }
}
