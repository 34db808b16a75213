import { perRole, type Role, roles } from '@shared/roles'

/**
 * Statistics of a run's trees for the run summary: accuracy of each stage's outputs, and how often verification and
 * refinement flip a wrong answer to right or a right one to wrong (paper Fig. 2).
 *
 * A verifier often critiques without stating an answer of its own; then the answer in play is still the generator's.
 * So each stage compares the answer in play before it with the one after it: g → (v's answer, else g's) → r's.
 */

export interface AnalysisNode {
  id: number
  parentId: number | null
  questionId: number
  role: Role
  answer: string | null
  correct: boolean | null
}

export interface FlipCounts {
  wrongToRight: number
  rightToWrong: number
  unchangedRight: number
  unchangedWrong: number
}

export interface RunAnalysis {
  stageAccuracy: Record<Role, number | null>
  flips: { verifier: FlipCounts; refiner: FlipCounts }
}

const emptyFlips = (): FlipCounts => ({ wrongToRight: 0, rightToWrong: 0, unchangedRight: 0, unchangedWrong: 0 })

function count(flips: FlipCounts, before: boolean, after: boolean): void {
  if (before && after) flips.unchangedRight++
  else if (!before && !after) flips.unchangedWrong++
  else if (after) flips.wrongToRight++
  else flips.rightToWrong++
}

export function analyzeRun(nodes: readonly AnalysisNode[]): RunAnalysis {
  const byId = new Map(nodes.map((node) => [node.id, node]))
  const totals = perRole(() => ({ correct: 0, total: 0 }))
  // The correctness of the answer in play after each node.
  const inPlay = new Map<number, boolean>()
  const flips = { verifier: emptyFlips(), refiner: emptyFlips() }
  for (const role of roles) {
    for (const node of nodes) {
      if (node.role !== role) continue
      const own = node.correct === true
      const parent = node.parentId === null ? undefined : byId.get(node.parentId)
      const before = parent ? inPlay.get(parent.id) : undefined
      // A verifier without an answer of its own leaves the generator's answer in play.
      const after = role === 'verifier' && node.answer === null && before !== undefined ? before : own
      inPlay.set(node.id, after)
      if (role !== 'verifier' || node.answer !== null) {
        totals[role].total++
        if (own) totals[role].correct++
      }
      if (role !== 'generator' && before !== undefined) count(flips[role], before, after)
    }
  }
  const accuracy = (role: Role) => (totals[role].total === 0 ? null : totals[role].correct / totals[role].total)
  return { stageAccuracy: perRole(accuracy), flips }
}

export type OutcomeFilter =
  | 'all'
  | 'generator-wrong-refined-right'
  | 'generator-right-refined-wrong'
  | 'all-right'
  | 'all-wrong'
  | 'has-pairs'
  | 'no-pairs'
  | 'incomplete'

export interface QuestionFacts {
  nodes: number
  complete: boolean
  pairs: number
  /** Some wrong generation has a right refinement below it. */
  rescued: boolean
  /** Some right generation has a wrong refinement below it. */
  spoiled: boolean
  leaves: number
  rightLeaves: number
}

/** Per-question facts the explorer filters on. */
export function questionFacts(nodes: readonly AnalysisNode[], expectedNodes: number, pairs: number): QuestionFacts {
  const byId = new Map(nodes.map((node) => [node.id, node]))
  const generationOf = (node: AnalysisNode): AnalysisNode | undefined => {
    let current: AnalysisNode | undefined = node
    while (current && current.role !== 'generator') current = current.parentId === null ? undefined : byId.get(current.parentId)
    return current
  }
  let rescued = false
  let spoiled = false
  let leaves = 0
  let rightLeaves = 0
  for (const node of nodes) {
    if (node.role !== 'refiner') continue
    leaves++
    if (node.correct) rightLeaves++
    const generation = generationOf(node)
    if (!generation) continue
    if (!generation.correct && node.correct) rescued = true
    if (generation.correct && !node.correct) spoiled = true
  }
  return { nodes: nodes.length, complete: nodes.length >= expectedNodes, pairs, rescued, spoiled, leaves, rightLeaves }
}

export function matchesOutcome(facts: QuestionFacts, filter: OutcomeFilter): boolean {
  switch (filter) {
    case 'all':
      return true
    case 'generator-wrong-refined-right':
      return facts.rescued
    case 'generator-right-refined-wrong':
      return facts.spoiled
    case 'all-right':
      return facts.leaves > 0 && facts.rightLeaves === facts.leaves
    case 'all-wrong':
      return facts.leaves > 0 && facts.rightLeaves === 0
    case 'has-pairs':
      return facts.pairs > 0
    case 'no-pairs':
      return facts.complete && facts.pairs === 0
    case 'incomplete':
      return !facts.complete
  }
}
