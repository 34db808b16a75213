import { perRole, type Role, roles } from '@shared/roles'
import { hashSeed, sampleInOrder } from '../random/seededRandom'
import type { NodeCredit } from './computeCredit'

/**
 * Per-role training data from a credited tree (paper §4.3, Algorithm 1 lines 22–26):
 * - SFT: generator outputs labelled ✓, verifier outputs labelled ✓, refiner outputs with V = 1.
 * - DPO pairs (chosen ✓, rejected ✗) between siblings: refinements under the same verification, verifications under
 *   the same generation, and generations under the same question (built, but the paper trains G with SFT only).
 * By default every ✓ × ✗ combination of siblings is a pair; `maxPairsPerParent` keeps a seeded sample instead.
 */

export interface TrainingNode {
  id: number
  parentId: number | null
  questionId: number
  role: Role
}

export interface SftExample {
  role: Role
  questionId: number
  nodeId: number
}

export interface PreferencePair {
  role: Role
  questionId: number
  /** The shared parent node; null for generator pairs, whose shared parent is the question. */
  parentNodeId: number | null
  chosenNodeId: number
  rejectedNodeId: number
}

export interface PairOptions {
  /** Cap on pairs per parent; null or undefined keeps every ✓ × ✗ combination. */
  maxPairsPerParent?: number | null
  /** Seed of the capped sample. Defaults to 0. */
  seed?: number
}

export interface TrainingSetStats {
  questions: number
  sft: Record<Role, number>
  pairs: Record<Role, number>
  /** Questions with at least one pair of that role. */
  questionsWithPairs: Record<Role, number>
  /** Questions with at least one pair of any role, as a share of all questions. */
  shareOfQuestionsWithPairs: number
}

export interface TrainingSets {
  sft: SftExample[]
  pairs: PreferencePair[]
  stats: TrainingSetStats
}

export function buildTrainingSets(nodes: readonly TrainingNode[], credit: ReadonlyMap<number, NodeCredit>, options: PairOptions = {}): TrainingSets {
  const ordered = [...nodes].sort((a, b) => a.id - b.id)
  const sft: SftExample[] = []
  for (const node of ordered) {
    const c = credit.get(node.id)
    if (!c || c.label === null) continue
    const positive = node.role === 'refiner' ? c.value === 1 : c.label
    if (positive) sft.push({ role: node.role, questionId: node.questionId, nodeId: node.id })
  }

  // Siblings grouped by (role, parent); generators group under their question.
  const groups = new Map<string, TrainingNode[]>()
  for (const node of ordered) {
    const key = node.role === 'generator' ? `generator:q${node.questionId}` : `${node.role}:n${node.parentId}`
    const group = groups.get(key)
    if (group) group.push(node)
    else groups.set(key, [node])
  }

  const pairs: PreferencePair[] = []
  for (const [key, siblings] of groups) {
    const role = siblings[0]!.role
    const isChosen = (node: TrainingNode) => {
      const c = credit.get(node.id)
      return role === 'refiner' ? c?.value === 1 : c?.label === true
    }
    const isRejected = (node: TrainingNode) => {
      const c = credit.get(node.id)
      return role === 'refiner' ? c?.value === 0 : c?.label === false
    }
    const chosen = siblings.filter(isChosen)
    const rejected = siblings.filter(isRejected)
    let combos: [TrainingNode, TrainingNode][] = []
    for (const c of chosen) for (const r of rejected) combos.push([c, r])
    const cap = options.maxPairsPerParent
    if (cap !== null && cap !== undefined && combos.length > cap) combos = sampleInOrder(combos, cap, hashSeed('pairs', options.seed ?? 0, key))
    for (const [c, r] of combos) {
      pairs.push({
        role,
        questionId: c.questionId,
        parentNodeId: role === 'generator' ? null : c.parentId,
        chosenNodeId: c.id,
        rejectedNodeId: r.id
      })
    }
  }
  pairs.sort((a, b) => roles.indexOf(a.role) - roles.indexOf(b.role) || a.chosenNodeId - b.chosenNodeId || a.rejectedNodeId - b.rejectedNodeId)

  const questions = new Set(ordered.map((node) => node.questionId))
  const withPairs = perRole(() => new Set<number>())
  for (const pair of pairs) withPairs[pair.role].add(pair.questionId)
  const anyPair = new Set(pairs.map((pair) => pair.questionId))
  const stats: TrainingSetStats = {
    questions: questions.size,
    sft: perRole(() => 0),
    pairs: perRole(() => 0),
    questionsWithPairs: perRole((role) => withPairs[role].size),
    shareOfQuestionsWithPairs: questions.size === 0 ? 0 : anyPair.size / questions.size
  }
  for (const example of sft) stats.sft[example.role]++
  for (const pair of pairs) stats.pairs[pair.role]++
  return { sft, pairs, stats }
}
