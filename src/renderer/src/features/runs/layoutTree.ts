import type { TreeNodeView } from '@shared/api/schemas/runs'

/**
 * One question's flat node list as the explorer draws it: generations, each with its verifications, each with its
 * refinements (G → V → R), siblings in branch order. Nodes whose parent is missing (an interrupted question) are
 * dropped from the drawing but still counted.
 */
export interface VerificationBranch {
  node: TreeNodeView
  refinements: TreeNodeView[]
}

export interface GenerationBranch {
  node: TreeNodeView
  verifications: VerificationBranch[]
  /** Refinement leaves below this generation, and how many are right. */
  leaves: number
  rightLeaves: number
  /** Pair marks anywhere in this branch. */
  chosen: number
  rejected: number
}

export interface TreeTotals {
  nodes: number
  leaves: number
  rightLeaves: number
  /** Pairs of this question, counted once each (every pair has one chosen and one rejected node). */
  pairs: number
}

export interface TreeLayout {
  generations: GenerationBranch[]
  totals: TreeTotals
}

const byBranch = (a: TreeNodeView, b: TreeNodeView) => a.branch - b.branch

export function layoutTree(nodes: readonly TreeNodeView[]): TreeLayout {
  const children = new Map<number, TreeNodeView[]>()
  for (const node of nodes) {
    if (node.parentId === null) continue
    const list = children.get(node.parentId)
    if (list) list.push(node)
    else children.set(node.parentId, [node])
  }
  const childrenOf = (node: TreeNodeView) => [...(children.get(node.id) ?? [])].sort(byBranch)

  const generations = nodes
    .filter((node) => node.role === 'generator')
    .sort(byBranch)
    .map((generation): GenerationBranch => {
      const verifications = childrenOf(generation).map((verification) => ({ node: verification, refinements: childrenOf(verification) }))
      const branchNodes = [generation, ...verifications.flatMap((v) => [v.node, ...v.refinements])]
      const leaves = verifications.flatMap((v) => v.refinements)
      return {
        node: generation,
        verifications,
        leaves: leaves.length,
        rightLeaves: leaves.filter((leaf) => leaf.correct).length,
        chosen: branchNodes.reduce((sum, node) => sum + node.chosenIn, 0),
        rejected: branchNodes.reduce((sum, node) => sum + node.rejectedIn, 0)
      }
    })

  const leaves = nodes.filter((node) => node.role === 'refiner')
  return {
    generations,
    totals: {
      nodes: nodes.length,
      leaves: leaves.length,
      rightLeaves: leaves.filter((leaf) => leaf.correct).length,
      pairs: nodes.reduce((sum, node) => sum + node.chosenIn, 0)
    }
  }
}
