import { AppError } from '@shared/errors'
import { hashSeed, sampleInOrder } from '../random/seededRandom'
import type { EvalConfiguration, ResolvedConfiguration } from './EvalConfiguration'
import { resolveConfigurations, type AdapterSets } from './resolveConfigurations'
import type { UnitTemplate, WorkUnit } from './WorkUnit'
import { configurationPassUnits, naiveUnitsPerItem, unitSamplingSeed } from './WorkUnit'

/**
 * What an evaluation has to compute (paper §5.2: "averaged over four runs on random subsets of the large test-sets
 * across seeds"): for each evaluation seed a random subset of the test questions, and for each (seed, question) item
 * the work units every configuration needs, each computed once however many configurations read it.
 *
 * The plan is a pure function of its options, so the service stores the options with the evaluation and re-plans to
 * resume or to aggregate.
 */

export interface PlanEvaluationOptions {
  /** Validated and resolved here; ids must be unique. */
  configurations: readonly EvalConfiguration[]
  /** Binds the named adapter sets the configurations use. Defaults to none (only `base` and `{ adapterId }` work). */
  adapterSets?: AdapterSets
  /** The test questions to draw from. Their order does not matter: subsets are drawn from them sorted ascending. */
  questionIds: readonly number[]
  /** Questions per seed. Defaults to all of them (every seed then evaluates every question, with its own samples). */
  subsetSize?: number
  /** Defaults to 4, the paper's. */
  seedCount?: number
  /** The first evaluation seed; seeds are `seed, seed + 1, …`, so adding seeds later keeps the earlier ones. Defaults to 0. */
  seed?: number
}

export interface SeedSubset {
  seed: number
  /** Ascending. */
  questionIds: number[]
}

export interface EvalItemRef {
  seed: number
  questionId: number
}

export interface EvaluationPlan {
  configurations: ResolvedConfiguration[]
  seeds: SeedSubset[]
  /** Every (seed, question), seed by seed, questions ascending. */
  items: EvalItemRef[]
  /** The units of one item, the same for every item; parents before children. */
  units: UnitTemplate[]
  /** Units to compute in all: `units.length × items.length`. */
  unitCount: number
  /** What the configurations would compute run one by one, nothing shared: Σ votes × stages per pass × items. */
  naiveUnitCount: number
}

export const defaultSeedCount = 4

export function planEvaluation(options: PlanEvaluationOptions): EvaluationPlan {
  const seedCount = options.seedCount ?? defaultSeedCount
  const firstSeed = options.seed ?? 0
  requireInteger('seedCount', seedCount, 1)
  requireInteger('seed', firstSeed, 0)
  if (options.configurations.length === 0) throw new AppError('invalid_input', 'no configurations to evaluate', { field: 'configurations' })
  if (options.questionIds.length === 0) throw new AppError('invalid_input', 'no test questions to evaluate', { field: 'questionIds' })
  const questionIds = [...options.questionIds].sort((a, b) => a - b)
  questionIds.forEach((id, index) => {
    if (!Number.isInteger(id)) throw new AppError('invalid_input', `question id ${id} is not an integer`, { field: 'questionIds' })
    if (index > 0 && questionIds[index - 1] === id) throw new AppError('invalid_input', `question ${id} is listed twice`, { field: 'questionIds' })
  })
  const subsetSize = options.subsetSize ?? questionIds.length
  requireInteger('subsetSize', subsetSize, 1)

  const configurations = resolveConfigurations(options.configurations, options.adapterSets)
  const units: UnitTemplate[] = []
  const seen = new Set<string>()
  for (const configuration of configurations) {
    for (let pass = 0; pass < configuration.votes; pass++) {
      for (const unit of configurationPassUnits(configuration, pass)) {
        if (seen.has(unit.key)) continue
        seen.add(unit.key)
        units.push(unit)
      }
    }
  }

  const seeds: SeedSubset[] = Array.from({ length: seedCount }, (_, index) => {
    const seed = firstSeed + index
    return { seed, questionIds: sampleInOrder(questionIds, subsetSize, hashSeed('malt-eval-subset', seed)) }
  })
  const items = seeds.flatMap(({ seed, questionIds: ids }) => ids.map((questionId) => ({ seed, questionId })))
  const naivePerItem = configurations.reduce((sum, configuration) => sum + naiveUnitsPerItem(configuration), 0)
  return {
    configurations,
    seeds,
    items,
    units,
    unitCount: units.length * items.length,
    naiveUnitCount: naivePerItem * items.length
  }
}

/** One item's units with their sampling seeds, parents before children: what `evaluateItem` takes. */
export function unitsOfItem(plan: Pick<EvaluationPlan, 'units'>, item: EvalItemRef): WorkUnit[] {
  return plan.units.map((unit) => ({
    ...unit,
    seed: item.seed,
    questionId: item.questionId,
    samplingSeed: unitSamplingSeed(item.seed, item.questionId, unit.key)
  }))
}

function requireInteger(field: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new AppError('invalid_input', `${field} must be an integer ≥ ${min}, got ${value}`, { field })
  }
}
