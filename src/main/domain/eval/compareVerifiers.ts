import type { VerifierComparisonItem } from '@shared/api/schemas/evaluations'
import { AppError } from '@shared/errors'
import type { ResolvedConfiguration } from './EvalConfiguration'
import { findConfiguration } from './findConfiguration'
import { itemKey } from './itemKey'
import type { EvalItemRef, EvaluationPlan } from './planEvaluation'
import type { UnitTemplate } from './WorkUnit'
import { adapterToken, configurationPassUnits } from './WorkUnit'

export interface VerifierComparisonOptions {
  /** The configuration with the trained verifier, e.g. `malt`. */
  trained: string
  /** The one with the untrained verifier, e.g. `untrained_v`; it must read the same generator output. */
  untrained: string
  pass: number
  /** Only this seed's items; all seeds when undefined. */
  seed?: number
  onlyDisagreements: boolean
  offset: number
  limit: number
}

/** A stored unit as the comparison shows it. */
export interface ComparedUnit {
  id: number
  key: string
  text: string
  answer: string | null
  correct: boolean
}

/** Where the comparison reads stored units and questions. */
export interface VerifierComparisonSources {
  /** The stored units of these items with these keys. */
  units(items: readonly EvalItemRef[], keys: readonly string[]): readonly (ComparedUnit & EvalItemRef)[]
  question(questionId: number): { externalId: string; question: string; answer: string; choices: string[] | null }
}

export interface ComparedConfiguration {
  configurationId: string
  label: string
  verifierAdapter: string
  refinerAdapter: string
}

export interface VerifierComparison {
  trained: ComparedConfiguration
  untrained: ComparedConfiguration
  generationChain: string
  pass: number
  total: number
  disagreements: number
  items: VerifierComparisonItem[]
}

interface Side {
  configuration: ResolvedConfiguration
  g: UnitTemplate
  v: UnitTemplate
  r: UnitTemplate
}

/**
 * Trained vs untrained verifier (paper App. A.4): for two G → V → R configurations that read the same generator
 * output (e.g. `malt` and `untrained_v`, which share `G[#g]`), per item that generation, each verifier's critique,
 * each refinement and whether the refinements disagree. A page of the items (or of the disagreements) is returned.
 */
export function compareVerifiers(plan: EvaluationPlan, options: VerifierComparisonOptions, sources: VerifierComparisonSources): VerifierComparison {
  const [trained, untrained] = [options.trained, options.untrained].map((id) => sideOf(plan, id, options.pass)) as [Side, Side]
  if (trained.g.key !== untrained.g.key) {
    throw new AppError(
      'invalid_input',
      `configurations '${options.trained}' (${trained.g.chain}) and '${options.untrained}' (${untrained.g.chain}) do not read the same generator output`,
      { field: 'untrained' }
    )
  }
  const items = plan.items.filter((item) => options.seed === undefined || item.seed === options.seed)
  const byItem = new Map<string, Map<string, ComparedUnit>>()
  for (const unit of sources.units(items, [trained.g.key, trained.v.key, trained.r.key, untrained.v.key, untrained.r.key])) {
    const key = itemKey(unit.seed, unit.questionId)
    if (!byItem.has(key)) byItem.set(key, new Map())
    byItem.get(key)!.set(unit.key, unit)
  }
  const entries = items.map((item): VerifierComparisonItem => {
    const units = byItem.get(itemKey(item.seed, item.questionId)) ?? new Map<string, ComparedUnit>()
    const question = sources.question(item.questionId)
    const side = (s: Side) => {
      const v = units.get(s.v.key)
      const r = units.get(s.r.key)
      return {
        verification: v ? { outputId: v.id, key: v.key, text: v.text, answer: v.answer } : null,
        refinement: r ? { outputId: r.id, key: r.key, text: r.text, answer: r.answer, correct: r.correct } : null
      }
    }
    const g = units.get(trained.g.key)
    const a = side(trained)
    const b = side(untrained)
    const both = a.refinement !== null && b.refinement !== null
    return {
      seed: item.seed,
      questionId: item.questionId,
      externalId: question.externalId,
      question: question.question,
      gold: question.answer,
      choices: question.choices,
      generation: g ? { outputId: g.id, key: g.key, text: g.text, answer: g.answer, correct: g.correct } : null,
      trained: a,
      untrained: b,
      disagree: both && a.refinement!.correct !== b.refinement!.correct,
      answersDiffer: both && a.refinement!.answer !== b.refinement!.answer
    }
  })
  const matching = options.onlyDisagreements ? entries.filter((entry) => entry.disagree) : entries
  const describe = (s: Side): ComparedConfiguration => ({
    configurationId: s.configuration.id,
    label: s.configuration.label,
    verifierAdapter: adapterToken(s.configuration.resolved.verifier),
    refinerAdapter: adapterToken(s.configuration.resolved.refiner)
  })
  return {
    trained: describe(trained),
    untrained: describe(untrained),
    generationChain: trained.g.chain,
    pass: options.pass,
    total: matching.length,
    disagreements: entries.filter((entry) => entry.disagree).length,
    items: matching.slice(options.offset, options.offset + options.limit)
  }
}

function sideOf(plan: EvaluationPlan, id: string, pass: number): Side {
  const configuration = findConfiguration(plan, id)
  if (configuration.pipeline !== 'GVR') {
    throw new AppError('invalid_input', `configuration '${id}' runs ${configuration.pipeline}, not generator → verifier → refiner`, { field: 'trained' })
  }
  if (pass >= configuration.votes) {
    throw new AppError('invalid_input', `configuration '${id}' has ${configuration.votes} pass(es); pass ${pass} does not exist`, { field: 'pass' })
  }
  const [g, v, r] = configurationPassUnits(configuration, pass) as [UnitTemplate, UnitTemplate, UnitTemplate]
  return { configuration, g, v, r }
}
