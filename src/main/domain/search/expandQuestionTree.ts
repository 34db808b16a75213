import type { Role } from '@shared/roles'
import type { ChatMessage, GeneratedText, LanguageModelPort, SamplingOptions } from '../agents/types'
import { FailFastGroup } from '../concurrency/FailFastGroup'
import { childPath, roleOfPath, seedOfNode } from './treeShape'

/**
 * Algorithm 1 for one question: n generations, n verifications of each, n refinements of each verification, every
 * node handed to the sink the moment it is complete. A node's children are requested as soon as the node exists,
 * not when its siblings are done, so many requests are in flight and the engine can batch them.
 *
 * Resuming is the same call: nodes the sink already has are not generated again, and a missing node is generated
 * with the seed it would have had (seeds depend on run seed, question and path only).
 */

export interface SearchQuestion {
  id: number
  question: string
  /** Gold answer, used only to grade leaves (and answers of inner nodes for the statistics). */
  answer: string
  choices: string[] | null
}

export interface ExistingNode {
  id: number
  path: string
  role: Role
  text: string
}

export interface CompletedNode {
  questionId: number
  parentId: number | null
  path: string
  role: Role
  branch: number
  messages: ChatMessage[]
  seed: number
  output: GeneratedText
  /** The answer extracted from the output (null when none was found). */
  answer: string | null
  /** Whether that answer matches the gold one; for refiner leaves this is the reward. */
  correct: boolean
}

export interface TreeSearchPorts {
  model: LanguageModelPort
  /** The role's prompt for this question and context, from the run's template versions. */
  messagesFor(role: Role, question: SearchQuestion, context: { generation?: string; verification?: string }): ChatMessage[]
  /** Answer extraction and grading against the gold answer (the fixed function T and reward R of §4.2). */
  /** Grades one output; `role` lets a verifier count only an answer it states in the answer format. */
  judge(question: SearchQuestion, text: string, role: Role): { extracted: string | null; correct: boolean }
  /** Stores a node durably and returns its id. Must be done (committed) when it returns. */
  saveNode(node: CompletedNode): number
}

export interface TreeSearchSettings {
  branching: number
  sampling: SamplingOptions
  runSeed: number
  signal?: AbortSignal
}

export async function expandQuestionTree(
  question: SearchQuestion,
  existing: readonly ExistingNode[],
  ports: TreeSearchPorts,
  settings: TreeSearchSettings
): Promise<void> {
  const stored = new Map(existing.map((node) => [node.path, node]))
  // One failure (a full disk while saving, a crashed model) stops the whole question: every other request of it is
  // aborted, and the first error is what the caller sees.
  const group = new FailFastGroup(settings.signal)
  const fail = (error: unknown) => group.fail(error)

  const expand = async (parent: ExistingNode | null): Promise<void> => {
    if (group.stopped) return
    const paths = Array.from({ length: settings.branching }, (_, branch) => childPath(parent?.path ?? null, branch))
    const role = roleOfPath(paths[0]!)
    const children: Promise<void>[] = []
    const descend = (node: ExistingNode) => {
      if (role !== 'refiner') children.push(expand(node).catch(fail))
    }

    const missing = paths.filter((path) => !stored.has(path))
    for (const path of paths) {
      const node = stored.get(path)
      if (node) descend(node)
    }
    if (missing.length > 0) {
      const context = contextOf(parent, stored)
      const messages = ports.messagesFor(role, question, context)
      const seeds = missing.map((path) => seedOfNode(settings.runSeed, question.id, path))
      try {
        await ports.model.generate({
          role,
          messages,
          seeds,
          sampling: settings.sampling,
          signal: group.signal,
          onSampleDone: (index, output) => {
            // An interrupted sample is not a node: it is generated again, whole, on resume.
            if (output.stopReason === 'abort' || group.stopped) return
            try {
              const path = missing[index]!
              const verdict = ports.judge(question, output.text, role)
              const id = ports.saveNode({
                questionId: question.id,
                parentId: parent?.id ?? null,
                path,
                role,
                branch: Number(path.slice(path.lastIndexOf('.') + 1)),
                messages,
                seed: seeds[index]!,
                output,
                answer: verdict.extracted,
                correct: verdict.correct
              })
              const node: ExistingNode = { id, path, role, text: output.text }
              stored.set(path, node)
              descend(node)
            } catch (error) {
              fail(error)
            }
          }
        })
      } catch (error) {
        if (!group.stopped) fail(error)
      }
    }
    await Promise.all(children)
  }

  await group.run(() => expand(null))
}

/** The generation a verifier critiques, and the generation and critique a refiner revises. */
function contextOf(parent: ExistingNode | null, stored: ReadonlyMap<string, ExistingNode>): { generation?: string; verification?: string } {
  if (!parent) return {}
  if (parent.role === 'generator') return { generation: parent.text }
  const generationPath = parent.path.slice(0, parent.path.indexOf('.'))
  const generation = stored.get(generationPath)
  if (!generation) throw new Error(`tree is missing generation '${generationPath}' above '${parent.path}'`)
  return { generation: generation.text, verification: parent.text }
}
