import { type Role, roles } from '@shared/roles'
import { hashSeed } from '../random/seededRandom'

/**
 * The shape of MALT's search tree (Algorithm 1) for branching factor n: n generator outputs per question,
 * n verifier outputs per generator output, n refiner outputs per verifier output — n + n² + n³ nodes,
 * of which the n³ refiner outputs are the graded leaves.
 *
 * A node's address is its path of branch indices from the question: "2" is the third generation, "2.0" the first
 * verification of it, "2.0.1" the second refinement of that. Paths are what make resuming exact: a node is stored
 * once under (run, question, path), and a missing one is regenerated with the same seed it would have had.
 */

export function nodesPerQuestion(branching: number): number {
  return branching + branching ** 2 + branching ** 3
}

export function roleOfPath(path: string): Role {
  const depth = path.split('.').length
  const role = roles[depth - 1]
  if (!role) throw new Error(`path '${path}' is deeper than a G→V→R tree`)
  return role
}

export function parentPath(path: string): string | null {
  const dot = path.lastIndexOf('.')
  return dot < 0 ? null : path.slice(0, dot)
}

export function childPath(parent: string | null, branch: number): string {
  return parent === null ? String(branch) : `${parent}.${branch}`
}

export function branchOfPath(path: string): number {
  return Number(path.slice(path.lastIndexOf('.') + 1))
}

/** Every path of a full tree, parents before children. */
export function allPaths(branching: number): string[] {
  const paths: string[] = []
  for (let j = 0; j < branching; j++) {
    paths.push(`${j}`)
    for (let k = 0; k < branching; k++) {
      paths.push(`${j}.${k}`)
      for (let l = 0; l < branching; l++) paths.push(`${j}.${k}.${l}`)
    }
  }
  return paths
}

/**
 * The sampling seed of one node: a function of the run seed, the question and the path only, so the same node gets
 * the same seed however the work was scheduled or interrupted. Kept within 31 bits for every backend.
 */
export function seedOfNode(runSeed: number, questionId: number | string, path: string): number {
  return hashSeed('malt-node', runSeed, questionId, path) & 0x7fffffff
}
