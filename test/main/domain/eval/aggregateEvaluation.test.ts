import { describe, expect, it } from 'vitest'
import type { ConfigurationSummary, EvaluationSummary, SeedStatistics } from '../../../../src/main/domain/eval/aggregateEvaluation'
import { aggregateEvaluation } from '../../../../src/main/domain/eval/aggregateEvaluation'
import { evalConfigurations } from '../../../../src/main/domain/eval/evalConfigurations'
import { planEvaluation } from '../../../../src/main/domain/eval/planEvaluation'
import type { UnitResult } from '../../../../src/main/domain/eval/turnAnswers'
import { fixturePlan, fixtureResults } from './fixtures'

/*
 * Worked by hand from fixtures.ts (R = right, W = wrong; "in play" after V is V's answer, else G's):
 *
 * seed 0  q1: G 42,7,7 → MV 7 W | in play after V 42,7,7 → W | R 42,42,7 → R.   pass 0: G R, R R.
 *         q2: G 5,42,5 → W      | after V 42,42,5 → R         | R 42,42,5 → R.  pass 0: G W, R R.
 *         q3: G 42×3 → R        | after V → R                 | R 9,9,42 → W.   pass 0: G R, R W.
 * seed 1  q1: everything 42 → R everywhere.
 *         q2: G 3,4,5 (tie → first, 3) W | after V 3,42,5 → 3 W | R 3,42,6 → 3 W.  pass 0: all W.
 *         q3: G 42,42,1 → R | after V 42,42,1 → R | R none,42,42 → 42 R.         pass 0: G R, R none → W.
 *
 * sa (G pass 0):   seed 0 2/3, seed 1 2/3.      sa_mv (G MV):  1/3, 2/3.
 * ma (R pass 0):   seed 0 2/3, seed 1 1/3.      ma_mv (R MV):  2/3, 2/3.
 * gv_base (V MV):  2/3, 2/3.
 * ma_mv turns: G 1/3, 2/3 · V 2/3, 2/3 · R 2/3, 2/3.
 * ma_mv by votes (R over the first k passes): k=1 = ma; k=2: seed 0 q1 R, q2 R, q3 9,9 W; seed 1 q1 R,
 *   q2 3,42 → 3 W, q3 none,42 → 42 R → 2/3, 2/3; k=3 = ma_mv.
 * ma_mv flips G→V: seed 0 q1 W→W, q2 W→R, q3 R→R; seed 1 R→R, W→W, R→R.
 *              V→R: seed 0 q1 W→R, q2 R→R, q3 R→W; seed 1 R→R, W→W, R→R.
 */
const third = 100 / 3

function configuration(summary: EvaluationSummary, id: string): ConfigurationSummary {
  return summary.configurations.find((c) => c.configuration.id === id)!
}

function expectStatistics(actual: SeedStatistics, perSeed: number[], mean: number, std: number) {
  expect(actual.perSeed.map((s) => s.accuracy)).toEqual(perSeed.map((value) => expect.closeTo(value, 10)))
  expect(actual.mean).toBeCloseTo(mean, 10)
  expect(actual.std).toBeCloseTo(std, 10)
  expect(actual.n).toBe(perSeed.length)
}

describe('aggregateEvaluation', () => {
  const summary = aggregateEvaluation(fixturePlan(), fixtureResults(), { benchmark: 'gsm8k' })

  it('gives each configuration’s accuracy per seed and mean ± population std across seeds', () => {
    expectStatistics(configuration(summary, 'sa').accuracy, [2 * third, 2 * third], 2 * third, 0)
    expectStatistics(configuration(summary, 'sa_mv').accuracy, [third, 2 * third], 50, third / 2)
    expectStatistics(configuration(summary, 'ma').accuracy, [2 * third, third], 50, third / 2)
    expectStatistics(configuration(summary, 'ma_mv').accuracy, [2 * third, 2 * third], 2 * third, 0)
    expectStatistics(configuration(summary, 'gv_base').accuracy, [2 * third, 2 * third], 2 * third, 0)
    expect(configuration(summary, 'ma').accuracy.perSeed).toEqual([
      { seed: 0, correct: 2, total: 3, accuracy: expect.closeTo(2 * third, 10) },
      { seed: 1, correct: 1, total: 3, accuracy: expect.closeTo(third, 10) }
    ])
  })

  it('votes over the passes’ final answers: ties go to the earliest pass, no answer never votes', () => {
    const items = configuration(summary, 'ma_mv').items
    expect(items.map((i) => [i.seed, i.questionId, i.answer, i.correct])).toEqual([
      [0, 1, '42', true],
      [0, 2, '42', true],
      [0, 3, '9', false],
      [1, 1, '42', true],
      [1, 2, '3', false],
      [1, 3, '42', true]
    ])
    expect(items[5]!.passes).toEqual([
      { answer: null, correct: false },
      { answer: '42', correct: true },
      { answer: '42', correct: true }
    ])
    expect(configuration(summary, 'ma').items[5]).toMatchObject({ answer: null, correct: false })
  })

  it('gives accuracy per turn G → V → R, each with MV over the passes (Fig. 3)', () => {
    const turns = configuration(summary, 'ma_mv').turns
    expect(turns.map((t) => [t.id, t.label])).toEqual([
      ['generator', 'G'],
      ['verifier', 'V'],
      ['refiner', 'R']
    ])
    expectStatistics(turns[0]!.accuracy, [third, 2 * third], 50, third / 2)
    expectStatistics(turns[1]!.accuracy, [2 * third, 2 * third], 2 * third, 0)
    expectStatistics(turns[2]!.accuracy, [2 * third, 2 * third], 2 * third, 0)
    // The per-turn view of SA is its one turn.
    expect(configuration(summary, 'sa').turns.map((t) => t.id)).toEqual(['generator'])
  })

  it('counts wrong→right and right→wrong flips of each turn (Fig. 2)', () => {
    const [gToV, vToR] = configuration(summary, 'ma_mv').flips
    expect(gToV!.from.id).toBe('generator')
    expect(gToV!.to.id).toBe('verifier')
    expect(gToV!.total).toEqual({ wrongToRight: 1, rightToWrong: 0, stayedRight: 3, stayedWrong: 2 })
    expect(gToV!.perSeed[0]).toEqual({ seed: 0, wrongToRight: 1, rightToWrong: 0, stayedRight: 1, stayedWrong: 1 })
    expect(vToR!.total).toEqual({ wrongToRight: 1, rightToWrong: 1, stayedRight: 3, stayedWrong: 1 })
    expect(vToR!.perSeed[1]).toEqual({ seed: 1, wrongToRight: 0, rightToWrong: 0, stayedRight: 2, stayedWrong: 1 })
    expect(configuration(summary, 'sa_mv').flips).toEqual([])
  })

  it('gives accuracy against the number of votes, k = 1 … K', () => {
    const byVotes = configuration(summary, 'ma_mv').byVotes
    expect(byVotes.map((v) => v.votes)).toEqual([1, 2, 3])
    expectStatistics(byVotes[0]!.accuracy, [2 * third, third], 50, third / 2)
    expectStatistics(byVotes[1]!.accuracy, [2 * third, 2 * third], 2 * third, 0)
    expect(byVotes[2]!.accuracy).toEqual(configuration(summary, 'ma_mv').accuracy)
    expect(byVotes[0]!.accuracy).toEqual(configuration(summary, 'ma').accuracy)
  })

  it('leaves incomplete items out of all of a configuration’s numbers, and only of the configurations that need the unit', () => {
    const results = fixtureResults().filter((r) => !(r.seed === 1 && r.questionId === 3 && r.key === 'p2/G[base]>V[base]>R[base]'))
    const partial = aggregateEvaluation(fixturePlan(), results, { benchmark: 'gsm8k' })
    const maMv = configuration(partial, 'ma_mv')
    expect(maMv.incompleteItems).toBe(1)
    expect(maMv.items).toHaveLength(5)
    expect(maMv.accuracy.perSeed[1]).toEqual({ seed: 1, correct: 1, total: 2, accuracy: 50 })
    expect(maMv.turns[0]!.accuracy.perSeed[1]!.total).toBe(2)
    expect(configuration(partial, 'ma').incompleteItems).toBe(0)
    expect(configuration(partial, 'gv_base').incompleteItems).toBe(0)

    const empty = aggregateEvaluation(fixturePlan(), [], { benchmark: 'gsm8k' })
    expect(configuration(empty, 'ma').accuracy).toMatchObject({ mean: null, std: null, n: 0 })
    expect(configuration(empty, 'ma').incompleteItems).toBe(6)
  })

  it('groups votes by the benchmark’s answer key', () => {
    // seed 1 q2's refinements 3, 42, 6 become 3, 6.0, 6: "6.0" and "6" are one gsm8k answer and outvote 3 (which, as
    // the first of three different texts, would win a vote on exact text).
    const changed = fixtureResults().map((r) =>
      r.seed === 1 && r.questionId === 2 && r.key === 'p1/G[base]>V[base]>R[base]' ? { ...r, extracted: '6.0', correct: false } : r
    )
    const item = configuration(aggregateEvaluation(fixturePlan(), changed, { benchmark: 'gsm8k' }), 'ma_mv').items[4]!
    expect(item.answer).toBe('6.0')
    expect(item.passes.map((p) => p.answer)).toEqual(['3', '6.0', '6'])
  })
})

describe('aggregateEvaluation: debate', () => {
  const configuration2x = { ...evalConfigurations().find((c) => c.id === 'debate')!, debate: { agents: 3, rounds: 2 } }
  const plan = planEvaluation({ configurations: [configuration2x], questionIds: [1, 2], seedCount: 1 })
  const answers: Record<number, (string | null)[][]> = {
    // q1: round 1 is a 7 / 42 tie, which the first agent's 7 wins; round 2: "42.0" and "42" outvote the abstention.
    1: [
      ['7', null, '42'],
      [null, '42.0', '42']
    ],
    // q2: nobody answers: wrong (Du et al.'s compute_accuracy would count it correct).
    2: [
      [null, null, null],
      [null, null, null]
    ]
  }
  const results: UnitResult[] = Object.entries(answers).flatMap(([questionId, rounds]) =>
    rounds.flatMap((agents, round) =>
      agents.map((extracted, agent) => ({
        seed: 0,
        questionId: Number(questionId),
        key: `p0/D3[base](a${agent},r${round})`,
        extracted,
        correct: extracted !== null && Number(extracted) === 42
      }))
    )
  )
  const summary = aggregateEvaluation(plan, results, { benchmark: 'gsm8k' }).configurations[0]!

  it('answers with the majority of the agents’ last answers; no answer is wrong', () => {
    expect(summary.items.map((i) => [i.questionId, i.answer, i.correct])).toEqual([
      [1, '42.0', true],
      [2, null, false]
    ])
    expect(summary.accuracy.mean).toBe(50)
  })

  it('gives accuracy and flips per round', () => {
    expect(summary.turns.map((t) => [t.label, t.accuracy.mean])).toEqual([
      ['Round 1', 0],
      ['Round 2', 50]
    ])
    expect(summary.flips[0]!.total).toEqual({ wrongToRight: 1, rightToWrong: 0, stayedRight: 0, stayedWrong: 1 })
  })
})
