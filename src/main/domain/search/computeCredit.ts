import type { Role } from '@shared/roles'

/**
 * Credit assignment by value iteration (paper §4.2, App. A.5–A.6).
 *
 * Global pooling (the paper's default): V(r) is the leaf reward, V(v) the mean of its refinements, V(g) the mean of
 * its verifiers' values (so the mean of its n² leaves). Local pooling: each level is binarized first and a parent
 * is the mean of its children's labels ("majority of children"), propagated from the leaves up.
 * A node is labelled ✓ iff V > θ (θ = 0.5 by default; with an even n a tie at 0.5 is ✗, as in the paper).
 */

export type Pooling = 'global' | 'local'

export interface CreditOptions {
  /** θ. Defaults to 0.5. */
  threshold?: number
  /** Defaults to `global`. */
  pooling?: Pooling
}

/** The parts of a stored tree node credit assignment needs. */
export interface CreditNode {
  id: number
  parentId: number | null
  role: Role
  /** 1 or 0 for graded refiner leaves; ignored for other roles. */
  reward: number | null
}

export interface NodeCredit {
  /** The node's value under the chosen pooling, or null while none of its leaves exist yet. */
  value: number | null
  /** ✓ iff value > θ; null when the value is unknown. */
  label: boolean | null
}

export const defaultThreshold = 0.5

export function computeCredit(nodes: readonly CreditNode[], options: CreditOptions = {}): Map<number, NodeCredit> {
  const threshold = options.threshold ?? defaultThreshold
  const pooling = options.pooling ?? 'global'
  if (!(threshold >= 0 && threshold <= 1)) throw new RangeError(`threshold must be in [0, 1], got ${threshold}`)

  const children = new Map<number, CreditNode[]>()
  for (const node of nodes) {
    if (node.parentId === null) continue
    const list = children.get(node.parentId)
    if (list) list.push(node)
    else children.set(node.parentId, [node])
  }

  const credit = new Map<number, NodeCredit>()
  const label = (value: number | null): boolean | null => (value === null ? null : value > threshold)

  // Leaves first, then verifiers, then generators: each level reads the one below.
  for (const node of nodes) {
    if (node.role !== 'refiner') continue
    const value = node.reward === null ? null : node.reward > 0 ? 1 : 0
    credit.set(node.id, { value, label: label(value) })
  }
  for (const role of ['verifier', 'generator'] as const) {
    for (const node of nodes) {
      if (node.role !== role) continue
      const below = (children.get(node.id) ?? []).map((child) => credit.get(child.id)).filter((c): c is NodeCredit => c !== undefined && c.value !== null)
      let value: number | null = null
      if (below.length > 0) {
        // Local pooling averages the children's labels; global pooling their values.
        const terms = below.map((child) => (pooling === 'local' ? (child.label ? 1 : 0) : (child.value as number)))
        value = terms.reduce((sum, term) => sum + term, 0) / terms.length
      }
      credit.set(node.id, { value, label: label(value) })
    }
  }
  return credit
}
