import { AppError } from '@shared/errors'
import type { ResolvedConfiguration } from './EvalConfiguration'
import type { EvaluationPlan } from './planEvaluation'

/** A configuration of the plan by id; `not_found` naming the ones it has otherwise. */
export function findConfiguration(plan: Pick<EvaluationPlan, 'configurations'>, id: string): ResolvedConfiguration {
  const found = plan.configurations.find((configuration) => configuration.id === id)
  if (!found) {
    throw new AppError('not_found', `the evaluation has no configuration '${id}' (it has: ${plan.configurations.map((c) => c.id).join(', ')})`, {
      field: 'configurationId'
    })
  }
  return found
}
