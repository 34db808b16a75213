import type { EvaluationConfig } from '@shared/api/schemas/evaluations'
import type { EvalConfiguration } from './EvalConfiguration'
import type { EvaluationPlan } from './planEvaluation'
import { planEvaluation } from './planEvaluation'

/**
 * The plan of a stored evaluation, re-made from its stored inputs (the same every time). Each seed's subset and
 * samples depend on that seed alone, so the plan of a seed list is the per-seed plans joined (for consecutive seeds,
 * exactly `planEvaluation` with `seedCount`).
 */
export function planStoredEvaluation(config: EvaluationConfig): EvaluationPlan {
  const plans = config.seeds.map((seed) =>
    planEvaluation({
      configurations: config.configurations as EvalConfiguration[],
      adapterSets: config.adapterSets,
      questionIds: config.questionIds,
      subsetSize: config.subsetSize,
      seedCount: 1,
      seed
    })
  )
  const first = plans[0]!
  return {
    configurations: first.configurations,
    units: first.units,
    seeds: plans.flatMap((plan) => plan.seeds),
    items: plans.flatMap((plan) => plan.items),
    unitCount: plans.reduce((sum, plan) => sum + plan.unitCount, 0),
    naiveUnitCount: plans.reduce((sum, plan) => sum + plan.naiveUnitCount, 0)
  }
}
