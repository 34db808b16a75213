import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { evalConfigurations } from '../../../../src/main/domain/eval/evalConfigurations'
import { parseConfigurationIds } from '../../../../src/main/domain/eval/parseConfigurationIds'
import { planEvaluation, unitsOfItem } from '../../../../src/main/domain/eval/planEvaluation'
import { unitSamplingSeed } from '../../../../src/main/domain/eval/WorkUnit'
import { hashSeed } from '../../../../src/main/domain/random/seededRandom'

const tenQuestions = Array.from({ length: 10 }, (_, i) => 100 + i)
const sets = { malt: { generator: 1, verifier: 2, refiner: 3 }, star: { generator: 4, verifier: 5, refiner: 6 } }

describe('planEvaluation', () => {
  it('shares work: SA, SA+MV, MA and MA+MV with k = 3 need 9 units per item, not 16', () => {
    const plan = planEvaluation({ configurations: parseConfigurationIds('sa,sa_mv,ma,ma_mv'), questionIds: tenQuestions, seedCount: 1 })
    // Naive: SA 1 + SA+MV 3 + MA 3 + MA+MV 9 = 16 per question; shared: 3 passes × G, V, R.
    expect(plan.naiveUnitCount).toBe(160)
    expect(plan.unitCount).toBe(90)
    expect(plan.units.map((u) => u.key)).toEqual([
      'p0/G[base]',
      'p1/G[base]',
      'p2/G[base]',
      'p0/G[base]>V[base]',
      'p0/G[base]>V[base]>R[base]',
      'p1/G[base]>V[base]',
      'p1/G[base]>V[base]>R[base]',
      'p2/G[base]>V[base]',
      'p2/G[base]>V[base]>R[base]'
    ])
  })

  it('shares across every preset: 54 units per item instead of 95', () => {
    const plan = planEvaluation({ configurations: evalConfigurations(), adapterSets: sets, questionIds: [1], seedCount: 1 })
    // Per item, hand-counted: base G/V/R chains 9, STaR 9, MALT 9 (malt_nomv, g_only, g_v inside), debate 3 × 3,
    // untrained G: base G shared, +3 V[#2] +3 R[#3]; untrained V: +3 V[base] +3 R; untrained R: +3 R[base]; G + R: +3.
    expect(plan.units).toHaveLength(9 + 9 + 9 + 9 + 6 + 6 + 3 + 3)
    // Naive: 1+3+3+9 (base) + the same for STaR + 3 + 9 (MALT) + 9 (debate) + 3 × 9 (Table 4) + 3 + 6 + 6 (Table 5).
    expect(plan.naiveUnitCount).toBe(95)
    const keys = plan.units.map((u) => u.key)
    expect(keys).toContain('p2/G[#1]>R[#3](empty)')
    expect(keys).toContain('p1/G[base]>V[#2]>R[#3]')
    expect(keys).toContain('p0/D3[base](a2,r2)')
    expect(new Set(keys).size).toBe(keys.length)
  })

  it('lists every unit after the units it depends on', () => {
    const plan = planEvaluation({ configurations: evalConfigurations(), adapterSets: sets, questionIds: [1], seedCount: 1 })
    const seen = new Set<string>()
    for (const unit of plan.units) {
      for (const dependency of unit.dependsOn) expect(seen.has(dependency)).toBe(true)
      seen.add(unit.key)
    }
    const refiner = plan.units.find((u) => u.key === 'p1/G[#1]>V[#2]>R[#3]')!
    expect(refiner.dependsOn).toEqual(['p1/G[#1]', 'p1/G[#1]>V[#2]'])
    expect(plan.units.find((u) => u.key === 'p0/D3[base](a1,r1)')!.dependsOn).toEqual([
      'p0/D3[base](a0,r0)',
      'p0/D3[base](a1,r0)',
      'p0/D3[base](a2,r0)'
    ])
  })

  it('uses the same keys for two names of one adapter, and different keys for different adapters', () => {
    const malt = parseConfigurationIds('malt_nomv')
    const mine = [{ ...malt[0]!, id: 'mine', adapters: { generator: { adapterId: 1 }, verifier: 'malt' as const, refiner: { adapterId: 9 } } }]
    const plan = planEvaluation({ configurations: [...malt, ...mine], adapterSets: sets, questionIds: [1], seedCount: 1 })
    expect(plan.units.map((u) => u.key)).toEqual(['p0/G[#1]', 'p0/G[#1]>V[#2]', 'p0/G[#1]>V[#2]>R[#3]', 'p0/G[#1]>V[#2]>R[#9]'])
  })

  it('draws a reproducible subset per seed, seeds counting up from the first', () => {
    const questionIds = Array.from({ length: 50 }, (_, i) => i + 1)
    const plan = planEvaluation({ configurations: parseConfigurationIds('sa'), questionIds, subsetSize: 10, seedCount: 4, seed: 7 })
    expect(plan.seeds.map((s) => s.seed)).toEqual([7, 8, 9, 10])
    for (const subset of plan.seeds) {
      expect(subset.questionIds).toHaveLength(10)
      expect([...subset.questionIds].sort((a, b) => a - b)).toEqual(subset.questionIds)
    }
    expect(new Set(plan.seeds.map((s) => s.questionIds.join())).size).toBe(4)
    expect(plan.items).toHaveLength(40)
    expect(plan.unitCount).toBe(40)
    // Seed 8's subset is the same whether it is the second seed of 4 or the first of 1.
    const alone = planEvaluation({ configurations: parseConfigurationIds('sa'), questionIds, subsetSize: 10, seedCount: 1, seed: 8 })
    expect(alone.seeds[0]).toEqual(plan.seeds[1])
  })

  it('gives the same subsets and sampling seeds whatever the order of configurations and questions', () => {
    const configurations = evalConfigurations()
    fc.assert(
      fc.property(fc.shuffledSubarray(tenQuestions, { minLength: 10 }), fc.shuffledSubarray(configurations, { minLength: configurations.length }), (questions, shuffled) => {
        const a = planEvaluation({ configurations, adapterSets: sets, questionIds: tenQuestions, subsetSize: 4, seedCount: 2 })
        const b = planEvaluation({ configurations: shuffled, adapterSets: sets, questionIds: questions, subsetSize: 4, seedCount: 2 })
        expect(b.seeds).toEqual(a.seeds)
        const seedsOf = (plan: typeof a) =>
          new Map(plan.items.flatMap((item) => unitsOfItem(plan, item).map((u) => [`${u.seed}/${u.questionId}/${u.key}`, u.samplingSeed] as const)))
        expect(seedsOf(b)).toEqual(seedsOf(a))
      }),
      { numRuns: 15 }
    )
  })

  it('derives each unit’s sampling seed from (seed, question, key) only', () => {
    const plan = planEvaluation({ configurations: parseConfigurationIds('ma'), questionIds: [5], seedCount: 2 })
    const [first, second] = plan.items.map((item) => unitsOfItem(plan, item))
    expect(first![0]!.samplingSeed).toBe(hashSeed('malt-eval-unit', 0, 5, 'p0/G[base]') & 0x7fffffff)
    expect(first![0]!.samplingSeed).toBe(unitSamplingSeed(0, 5, 'p0/G[base]'))
    expect(second![0]!.samplingSeed).toBe(unitSamplingSeed(1, 5, 'p0/G[base]'))
    expect(new Set([...first!, ...second!].map((u) => u.samplingSeed)).size).toBe(6)
  })

  it('rejects plans that cannot run', () => {
    expect(() => planEvaluation({ configurations: [], questionIds: [1] })).toThrow('no configurations')
    expect(() => planEvaluation({ configurations: parseConfigurationIds('sa'), questionIds: [] })).toThrow('no test questions')
    expect(() => planEvaluation({ configurations: parseConfigurationIds('sa'), questionIds: [1, 2, 1] })).toThrow('question 1 is listed twice')
    expect(() => planEvaluation({ configurations: parseConfigurationIds('sa'), questionIds: [1], subsetSize: 0 })).toThrow('subsetSize must be an integer ≥ 1, got 0')
    expect(() => planEvaluation({ configurations: parseConfigurationIds('malt'), questionIds: [1] })).toThrow(/'malt' generator adapter/)
  })
})
