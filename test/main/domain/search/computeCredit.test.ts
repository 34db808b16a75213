import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { CreditNode } from '../../../../src/main/domain/search/computeCredit'
import { computeCredit } from '../../../../src/main/domain/search/computeCredit'
import { buildTrainingSets } from '../../../../src/main/domain/search/buildTrainingSets'
import type { TrainingNode } from '../../../../src/main/domain/search/buildTrainingSets'

/** A full G→V→R tree for one question with the given leaf rewards (length n³, in path order). */
function makeTree(n: number, rewards: readonly number[], questionId = 1, firstId = 1): (CreditNode & TrainingNode)[] {
  const nodes: (CreditNode & TrainingNode)[] = []
  let id = firstId
  let leaf = 0
  for (let j = 0; j < n; j++) {
    const g = id++
    nodes.push({ id: g, parentId: null, role: 'generator', reward: null, questionId })
    for (let k = 0; k < n; k++) {
      const v = id++
      nodes.push({ id: v, parentId: g, role: 'verifier', reward: null, questionId })
      for (let l = 0; l < n; l++) nodes.push({ id: id++, parentId: v, role: 'refiner', reward: rewards[leaf++]!, questionId })
    }
  }
  return nodes
}

const trees = fc
  .integer({ min: 1, max: 4 })
  .chain((n) => fc.tuple(fc.constant(n), fc.array(fc.integer({ min: 0, max: 1 }), { minLength: n ** 3, maxLength: n ** 3 })))

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length

describe('computeCredit', () => {
  it('matches a hand-computed n = 2 tree', () => {
    // g0: v00 leaves [1,1] → 1, v01 leaves [1,0] → 0.5; g0 = 0.75
    // g1: v10 leaves [0,0] → 0, v11 leaves [0,1] → 0.5; g1 = 0.25
    const nodes = makeTree(2, [1, 1, 1, 0, 0, 0, 0, 1])
    const credit = computeCredit(nodes)
    const byPath = (id: number) => credit.get(id)!
    expect(byPath(1)).toEqual({ value: 0.75, label: true })
    expect(byPath(2)).toEqual({ value: 1, label: true })
    expect(byPath(5)).toEqual({ value: 0.5, label: false }) // a tie at θ = 0.5 is ✗
    expect(byPath(8)).toEqual({ value: 0.25, label: false })
    expect(byPath(3)).toEqual({ value: 1, label: true })
    expect(byPath(7)).toEqual({ value: 0, label: false })

    // Local pooling binarizes first: g0 = mean(✓, ✗) = 0.5 → ✗.
    const local = computeCredit(nodes, { pooling: 'local' })
    expect(local.get(1)).toEqual({ value: 0.5, label: false })
    expect(local.get(2)).toEqual({ value: 1, label: true })
    // Another θ without regenerating anything.
    expect(computeCredit(nodes, { threshold: 0.2 }).get(8)).toEqual({ value: 0.25, label: true })
  })

  it('leaves values unknown where no leaf exists yet (a run in progress)', () => {
    const nodes: CreditNode[] = [
      { id: 1, parentId: null, role: 'generator', reward: null },
      { id: 2, parentId: 1, role: 'verifier', reward: null },
      { id: 3, parentId: 1, role: 'verifier', reward: null },
      { id: 4, parentId: 2, role: 'refiner', reward: 1 }
    ]
    const credit = computeCredit(nodes)
    expect(credit.get(3)).toEqual({ value: null, label: null })
    expect(credit.get(1)).toEqual({ value: 1, label: true })
  })

  it('rejects a threshold outside [0, 1]', () => {
    expect(() => computeCredit([], { threshold: 1.5 })).toThrow(RangeError)
  })

  it('global pooling: V(v) is the mean of its leaves and V(g) the mean of its n² leaves; ✓ iff V > θ', () => {
    fc.assert(
      fc.property(trees, fc.double({ min: 0, max: 1, noNaN: true }), ([n, rewards], threshold) => {
        const nodes = makeTree(n, rewards)
        const credit = computeCredit(nodes, { threshold })
        const leavesUnder = (id: number): number[] => {
          const kids = nodes.filter((node) => node.parentId === id)
          return kids.length === 0 ? [nodes.find((node) => node.id === id)!.reward!] : kids.flatMap((kid) => leavesUnder(kid.id))
        }
        for (const node of nodes) {
          const c = credit.get(node.id)!
          expect(c.value).toBeCloseTo(mean(leavesUnder(node.id)), 12)
          expect(c.label).toBe(c.value! > threshold)
        }
      })
    )
  })

  it('local pooling: a parent is the share of its children labelled ✓', () => {
    fc.assert(
      fc.property(trees, ([n, rewards]) => {
        const nodes = makeTree(n, rewards)
        const credit = computeCredit(nodes, { pooling: 'local' })
        for (const node of nodes.filter((x) => x.role !== 'refiner')) {
          const kids = nodes.filter((x) => x.parentId === node.id).map((kid) => credit.get(kid.id)!.label)
          expect(credit.get(node.id)!.value).toBeCloseTo(mean(kids.map((label) => (label ? 1 : 0))), 12)
        }
      })
    )
  })

  it('with n = 3 and θ = 0.5 no verifier value can tie the threshold', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 27, maxLength: 27 }), (rewards) => {
        const nodes = makeTree(3, rewards)
        const credit = computeCredit(nodes)
        for (const node of nodes.filter((x) => x.role === 'verifier')) expect(credit.get(node.id)!.value).not.toBe(0.5)
      })
    )
  })
})

describe('buildTrainingSets', () => {
  it('every ✓ × ✗ sibling combination is a pair, with the counts Algorithm 1 implies', () => {
    fc.assert(
      fc.property(trees, ([n, rewards]) => {
        const nodes = makeTree(n, rewards)
        const credit = computeCredit(nodes)
        const sets = buildTrainingSets(nodes, credit)
        const byId = new Map(nodes.map((node) => [node.id, node]))
        let expectedRefinerPairs = 0
        let expectedVerifierPairs = 0
        for (const v of nodes.filter((x) => x.role === 'verifier')) {
          const leaves = nodes.filter((x) => x.parentId === v.id).map((x) => x.reward!)
          expectedRefinerPairs += leaves.filter((r) => r === 1).length * leaves.filter((r) => r === 0).length
        }
        for (const g of nodes.filter((x) => x.role === 'generator')) {
          const labels = nodes.filter((x) => x.parentId === g.id).map((x) => credit.get(x.id)!.label)
          expectedVerifierPairs += labels.filter(Boolean).length * labels.filter((label) => !label).length
        }
        const gLabels = nodes.filter((x) => x.role === 'generator').map((x) => credit.get(x.id)!.label)
        expect(sets.stats.pairs).toEqual({
          refiner: expectedRefinerPairs,
          verifier: expectedVerifierPairs,
          generator: gLabels.filter(Boolean).length * gLabels.filter((label) => !label).length
        })
        for (const pair of sets.pairs) {
          const chosen = byId.get(pair.chosenNodeId)!
          const rejected = byId.get(pair.rejectedNodeId)!
          expect(chosen.role).toBe(pair.role)
          expect(rejected.role).toBe(pair.role)
          expect(chosen.parentId).toBe(rejected.parentId)
          if (pair.role === 'refiner') expect([chosen.reward, rejected.reward]).toEqual([1, 0])
          else expect([credit.get(chosen.id)!.label, credit.get(rejected.id)!.label]).toEqual([true, false])
        }
        // SFT sets are exactly the positives.
        expect(sets.stats.sft.refiner).toBe(rewards.filter((r) => r === 1).length)
        expect(sets.stats.sft.generator).toBe(gLabels.filter(Boolean).length)
      })
    )
  })

  it('a cap keeps a seeded subset of at most that many pairs per parent', () => {
    fc.assert(
      fc.property(trees, fc.integer({ min: 1, max: 3 }), fc.integer(), ([n, rewards], cap, seed) => {
        const nodes = makeTree(n, rewards)
        const credit = computeCredit(nodes)
        const all = buildTrainingSets(nodes, credit)
        const capped = buildTrainingSets(nodes, credit, { maxPairsPerParent: cap, seed })
        const again = buildTrainingSets(nodes, credit, { maxPairsPerParent: cap, seed })
        expect(capped.pairs).toEqual(again.pairs)
        const key = (p: { chosenNodeId: number; rejectedNodeId: number }) => `${p.chosenNodeId}>${p.rejectedNodeId}`
        const allKeys = new Set(all.pairs.map(key))
        for (const pair of capped.pairs) expect(allKeys.has(key(pair))).toBe(true)
        const perParent = new Map<string, number>()
        for (const pair of capped.pairs) {
          const parent = `${pair.role}:${pair.parentNodeId ?? `q${pair.questionId}`}`
          perParent.set(parent, (perParent.get(parent) ?? 0) + 1)
        }
        for (const count of perParent.values()) expect(count).toBeLessThanOrEqual(cap)
      })
    )
  })

  it('reports the share of questions that yield any pair', () => {
    const allRight = makeTree(2, [1, 1, 1, 1, 1, 1, 1, 1], 1, 1)
    const mixed = makeTree(2, [1, 0, 1, 1, 0, 0, 0, 0], 2, 100)
    const nodes = [...allRight, ...mixed]
    const sets = buildTrainingSets(nodes, computeCredit(nodes))
    expect(sets.stats.questions).toBe(2)
    expect(sets.stats.shareOfQuestionsWithPairs).toBe(0.5)
    expect(sets.stats.questionsWithPairs.refiner).toBe(1)
  })
})
