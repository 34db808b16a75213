import type { EvalConfiguration } from '../../../../src/main/domain/eval/EvalConfiguration'
import { parseConfigurationIds } from '../../../../src/main/domain/eval/parseConfigurationIds'
import { planEvaluation } from '../../../../src/main/domain/eval/planEvaluation'
import type { UnitResult } from '../../../../src/main/domain/eval/turnAnswers'

/**
 * A hand-made evaluation: 2 seeds × 3 questions × k = 3 passes of base G → V → R, gold answer 42 everywhere. Each
 * pass is [generator's answer, verifier's stated answer, refiner's answer]; null is "no answer found". The expected
 * numbers in the tests are worked out by hand from this table (see aggregateEvaluation.test.ts).
 */
type Pass = [g: string | null, v: string | null, r: string | null]

export const passesBySeed: Record<number, Record<number, Pass[]>> = {
  0: {
    1: [['42', null, '42'], ['7', null, '42'], ['7', '7', '7']],
    2: [['5', '42', '42'], ['42', null, '42'], ['5', null, '5']],
    3: [['42', null, '9'], ['42', null, '9'], ['42', null, '42']]
  },
  1: {
    1: [['42', null, '42'], ['42', null, '42'], ['42', null, '42']],
    2: [['3', '3', '3'], ['4', '42', '42'], ['5', null, '6']],
    3: [['42', '42', null], ['42', null, '42'], ['1', null, '42']]
  }
}

/** G + V with base adapters, answering with the verifier's stated answer, else the generator's. */
export const gvBase: EvalConfiguration = {
  id: 'gv_base',
  label: 'G + V (base)',
  pipeline: 'GV',
  adapters: { generator: 'base', verifier: 'base', refiner: 'base' },
  votes: 3,
  answerFrom: 'verifier'
}

export function fixturePlan() {
  return planEvaluation({ configurations: [...parseConfigurationIds('sa,sa_mv,ma,ma_mv'), gvBase], questionIds: [1, 2, 3], seedCount: 2 })
}

export function fixtureResults(): UnitResult[] {
  const results: UnitResult[] = []
  for (const [seed, questions] of Object.entries(passesBySeed)) {
    for (const [questionId, passes] of Object.entries(questions)) {
      passes.forEach(([g, v, r], pass) => {
        const add = (key: string, extracted: string | null) =>
          results.push({ seed: Number(seed), questionId: Number(questionId), key, extracted, correct: extracted === '42' })
        add(`p${pass}/G[base]`, g)
        add(`p${pass}/G[base]>V[base]`, v)
        add(`p${pass}/G[base]>V[base]>R[base]`, r)
      })
    }
  }
  return results
}
