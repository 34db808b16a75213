import type { AdapterSetsInput, CreateEvaluationInput } from '@shared/api/schemas/evaluations'

export type RoleName = 'generator' | 'verifier' | 'refiner'
export const roleNames: readonly RoleName[] = ['generator', 'verifier', 'refiner']

/** The new-evaluation form's fields, as typed (strings), turned into `evaluations.create` input on submit. */
export interface NewEvaluationFields {
  name: string
  datasetId: string
  split: string
  configurationIds: string[]
  /** Adapter id per role of each named set; '' leaves the role untrained (the base model). */
  adapterSets: { malt: Record<RoleName, string>; star: Record<RoleName, string> }
  subsetSize: string
  seeds: string
  votes: string
  temperature: string
  maxTokens: string
  debateAgents: string
  debateRounds: string
  questionConcurrency: string
  modelPath: string
}

const untrained = (): Record<RoleName, string> => ({ generator: '', verifier: '', refiner: '' })

/** The paper's protocol on a laptop-sized budget: 4 seeds × 20 questions, MV@3, T = 0.3. */
export const defaultNewEvaluationFields: NewEvaluationFields = {
  name: '',
  datasetId: '',
  split: 'test',
  configurationIds: ['sa', 'sa_mv', 'ma', 'ma_mv'],
  adapterSets: { malt: untrained(), star: untrained() },
  subsetSize: '20',
  seeds: '0,1,2,3',
  votes: '3',
  temperature: '0.3',
  maxTokens: '512',
  debateAgents: '3',
  debateRounds: '3',
  questionConcurrency: '4',
  modelPath: ''
}

/** Seeds as typed: a comma/space list (`0,1,2,3`) and/or ranges (`0-3`), returned ascending. Throws on anything else. */
export function parseSeedList(text: string): number[] {
  const seeds: number[] = []
  for (const part of text.split(/[\s,]+/).filter(Boolean)) {
    const range = /^(\d+)-(\d+)$/.exec(part)
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])]
      if (to < from || to - from > 63) throw new Error(`seed range '${part}' is empty or longer than 64`)
      for (let seed = from; seed <= to; seed++) seeds.push(seed)
    } else if (/^\d+$/.test(part)) seeds.push(Number(part))
    else throw new Error(`'${part}' is not a seed (use e.g. 0,1,2,3 or 0-3)`)
  }
  if (seeds.length === 0) throw new Error('give at least one seed')
  const unique = [...new Set(seeds)].sort((a, b) => a - b)
  if (unique.length !== seeds.length) throw new Error('a seed is listed twice')
  return unique
}

function adapterBinding(roles: Record<RoleName, string>): NonNullable<AdapterSetsInput['malt']> {
  return Object.fromEntries(roleNames.map((role) => [role, roles[role] ? Number(roles[role]) : null])) as NonNullable<AdapterSetsInput['malt']>
}

export function toCreateEvaluationInput(fields: NewEvaluationFields, needs: { malt: boolean; star: boolean }): CreateEvaluationInput {
  const adapterSets: AdapterSetsInput = {}
  if (needs.malt) adapterSets.malt = adapterBinding(fields.adapterSets.malt)
  if (needs.star) adapterSets.star = adapterBinding(fields.adapterSets.star)
  return {
    ...(fields.name.trim() ? { name: fields.name.trim() } : {}),
    datasetId: Number(fields.datasetId),
    split: fields.split,
    configurations: fields.configurationIds,
    adapterSets,
    seeds: parseSeedList(fields.seeds),
    subsetSize: fields.subsetSize.trim() ? Number(fields.subsetSize) : null,
    votes: Number(fields.votes),
    sampling: { temperature: Number(fields.temperature), topP: 1, maxTokens: Number(fields.maxTokens) },
    debate: { agents: Number(fields.debateAgents), rounds: Number(fields.debateRounds) },
    questionConcurrency: Number(fields.questionConcurrency),
    ...(fields.modelPath.trim() ? { modelPath: fields.modelPath.trim() } : {}),
    start: true
  }
}

/** The form's size hint: items are question × seed pairs (the service reports the units once created). */
export function describeEvaluationSize(items: number, seeds: number): string {
  return `${items} question${items === 1 ? '' : 's'} × ${seeds} seed${seeds === 1 ? '' : 's'} = ${items * seeds} items`
}
