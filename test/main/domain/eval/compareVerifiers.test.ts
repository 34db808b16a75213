import { describe, expect, it } from 'vitest'
import { compareVerifiers, type ComparedUnit, type VerifierComparisonSources } from '../../../../src/main/domain/eval/compareVerifiers'
import { parseConfigurationIds } from '../../../../src/main/domain/eval/parseConfigurationIds'
import { planEvaluation } from '../../../../src/main/domain/eval/planEvaluation'
import type { EvalItemRef } from '../../../../src/main/domain/eval/planEvaluation'
import { configurationPassUnits } from '../../../../src/main/domain/eval/WorkUnit'

/**
 * Trained vs untrained verifier (App. A.4) on stored units given by hand: `malt` (verifier #2, refiner #3) and
 * `untrained_v` (base verifier, refiner #3) read the same generation G[#1]; question 1's refinements disagree.
 */
const plan = planEvaluation({
  configurations: parseConfigurationIds('malt_nomv,untrained_v,ma'),
  adapterSets: { malt: { generator: 1, verifier: 2, refiner: 3 } },
  questionIds: [1, 2],
  seedCount: 1
})
const [trainedG, trainedV, trainedR] = configurationPassUnits(plan.configurations.find((c) => c.id === 'malt_nomv')!, 0)
const [, untrainedV, untrainedR] = configurationPassUnits(plan.configurations.find((c) => c.id === 'untrained_v')!, 0)

let nextId = 1
const unit = (questionId: number, key: string, answer: string): ComparedUnit & EvalItemRef => ({
  id: nextId++,
  seed: 0,
  questionId,
  key,
  text: `answer ${answer}`,
  answer,
  correct: answer === '42'
})
const stored = [
  unit(1, trainedG!.key, '7'),
  unit(1, trainedV!.key, '42'),
  unit(1, trainedR!.key, '42'),
  unit(1, untrainedV!.key, '7'),
  unit(1, untrainedR!.key, '7'),
  unit(2, trainedG!.key, '42'),
  unit(2, trainedV!.key, '42'),
  unit(2, trainedR!.key, '42'),
  unit(2, untrainedV!.key, '42'),
  unit(2, untrainedR!.key, '42')
]
const asked: string[][] = []
const sources: VerifierComparisonSources = {
  units: (items, keys) => {
    asked.push([...keys])
    return stored.filter((row) => keys.includes(row.key) && items.some((item) => item.seed === row.seed && item.questionId === row.questionId))
  },
  question: (questionId) => ({ externalId: `q${questionId}`, question: `question ${questionId}`, answer: '42', choices: null })
}
const options = { trained: 'malt_nomv', untrained: 'untrained_v', pass: 0, onlyDisagreements: false, offset: 0, limit: 10 }

describe('compareVerifiers', () => {
  it('pairs the shared generation with each verifier and refinement, and marks where the refinements disagree', () => {
    const result = compareVerifiers(plan, options, sources)
    expect(asked.at(-1)).toEqual([trainedG!.key, trainedV!.key, trainedR!.key, untrainedV!.key, untrainedR!.key])
    expect(result.trained).toEqual({ configurationId: 'malt_nomv', label: expect.any(String), verifierAdapter: '#2', refinerAdapter: '#3' })
    expect(result.untrained).toMatchObject({ configurationId: 'untrained_v', verifierAdapter: 'base', refinerAdapter: '#3' })
    expect(result.generationChain).toBe(trainedG!.chain)
    expect(result.total).toBe(2)
    expect(result.disagreements).toBe(1)
    const [first, second] = result.items
    expect(first).toMatchObject({ questionId: 1, externalId: 'q1', gold: '42', disagree: true, answersDiffer: true })
    expect(first!.generation).toMatchObject({ answer: '7', correct: false })
    expect(first!.trained.refinement).toMatchObject({ answer: '42', correct: true })
    expect(first!.untrained.verification).toMatchObject({ answer: '7' })
    expect(second).toMatchObject({ questionId: 2, disagree: false, answersDiffer: false })
  })

  it('pages the disagreements only when asked', () => {
    const result = compareVerifiers(plan, { ...options, onlyDisagreements: true }, sources)
    expect(result.total).toBe(1)
    expect(result.items.map((item) => item.questionId)).toEqual([1])
    expect(compareVerifiers(plan, { ...options, offset: 1, limit: 1 }, sources).items.map((item) => item.questionId)).toEqual([2])
  })

  it('refuses configurations that are not G → V → R, a pass they do not have, or different generations', () => {
    expect(() => compareVerifiers(plan, { ...options, untrained: 'nope' }, sources)).toThrow(/no configuration 'nope'/)
    expect(() => compareVerifiers(plan, { ...options, pass: 1 }, sources)).toThrow(/has 1 pass\(es\); pass 1 does not exist/)
    expect(() => compareVerifiers(plan, { ...options, untrained: 'ma' }, sources)).toThrow(/do not read the same generator output/)
  })
})
