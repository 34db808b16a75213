import { describe, expect, it } from 'vitest'
import { aggregateEvaluation } from '../../../../src/main/domain/eval/aggregateEvaluation'
import { compareEvaluations } from '../../../../src/main/domain/eval/compareEvaluations'
import { fixturePlan, fixtureResults } from './fixtures'

describe('compareEvaluations', () => {
  const summary = aggregateEvaluation(fixturePlan(), fixtureResults(), { benchmark: 'gsm8k' })

  it('lists the items one configuration gets right and the other wrong (hand-checked on the fixture)', () => {
    // ma (pass 0's refinement) vs ma_mv: they differ only on seed 1 q3, where pass 0 has no answer and the vote has 42.
    // sa vs sa_mv: they differ only on seed 0 q1, where pass 0's 42 is outvoted by 7, 7.
    const [maVsMv, saVsMv] = compareEvaluations(summary, summary, { pairs: [['ma', 'ma_mv'], ['sa', 'sa_mv']] })
    expect(maVsMv).toEqual({
      configurationA: 'ma',
      configurationB: 'ma_mv',
      shared: 6,
      bothRight: 3,
      bothWrong: 2,
      rightInAOnly: [],
      rightInBOnly: [{ seed: 1, questionId: 3, answerA: null, answerB: '42' }],
      onlyInA: 0,
      onlyInB: 0
    })
    expect(saVsMv!.rightInAOnly).toEqual([{ seed: 0, questionId: 1, answerA: '42', answerB: '7' }])
    expect(saVsMv!.rightInBOnly).toEqual([])
    expect([saVsMv!.bothRight, saVsMv!.bothWrong]).toEqual([3, 2])
  })

  it('pairs configurations by id by default and counts items only one side has complete', () => {
    const partialResults = fixtureResults().filter((r) => !(r.seed === 0 && r.questionId === 2 && r.key === 'p1/G[base]'))
    const partial = aggregateEvaluation(fixturePlan(), partialResults, { benchmark: 'gsm8k' })
    const comparisons = compareEvaluations(summary, partial)
    expect(comparisons.map((c) => c.configurationA)).toEqual(['sa', 'sa_mv', 'ma', 'ma_mv', 'gv_base'])
    const sa = comparisons.find((c) => c.configurationA === 'sa')!
    expect([sa.shared, sa.onlyInA, sa.onlyInB, sa.rightInAOnly.length, sa.rightInBOnly.length]).toEqual([6, 0, 0, 0, 0])
    const maMv = comparisons.find((c) => c.configurationA === 'ma_mv')!
    expect([maMv.shared, maMv.onlyInA, maMv.onlyInB]).toEqual([5, 1, 0])
    expect(compareEvaluations(partial, summary).find((c) => c.configurationA === 'ma_mv')!.onlyInB).toBe(1)
  })

  it('names a configuration a side lacks', () => {
    expect(() => compareEvaluations(summary, summary, { pairs: [['ma', 'malt']] })).toThrow("evaluation B has no configuration 'malt'")
  })
})
