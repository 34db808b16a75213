import { type Role, roles } from '@shared/roles'
import { AppError } from '@shared/errors'

/**
 * What one evaluated system is (paper §5, Tables 1–5): which agents run in which order, which LoRA adapter each role
 * carries, how many independent passes are voted on, and which stage's answer counts. Every preset of the paper is
 * one of these (see `evalConfigurations.ts`); any other mix can be written by hand, e.g. a trained generator with
 * the STaR verifier.
 */

/**
 * - `G`: the generator alone (SA).
 * - `GV`: generator, then verifier; the answer is the one the verifier states, else the generator's (Table 5 "G + V").
 * - `GR`: generator, then refiner given an empty verification (Table 5 "G + R", App. A.9).
 * - `GVR`: the full MALT pipeline.
 * - `debate`: Du et al.'s multi-agent debate (App. A.3); agents carry the generator's adapter.
 */
export const pipelines = ['G', 'GV', 'GR', 'GVR', 'debate'] as const
export type Pipeline = (typeof pipelines)[number]

/** Named adapter sets, bound to concrete adapters per role when an evaluation is created. */
export const adapterSetNames = ['malt', 'star'] as const
/** `malt`: SFT(+DPO) adapters from MALT's pipeline; `star`: SFT-only adapters on the positive data (the STaR baseline). */
export type AdapterSetName = (typeof adapterSetNames)[number]

/** A role's adapter as a configuration names it: the untrained base model, a named set's adapter for that role, or one adapter. */
export type AdapterRef = 'base' | AdapterSetName | { adapterId: number }

/** A role's adapter after the named sets are bound: what the model port loads. */
export type ResolvedAdapter = 'base' | { adapterId: number }

/**
 * Which answer is the configuration's: the answer in play after that stage. After the verifier it is the answer the
 * verifier states, else the generator's (a critique need not restate one); after the refiner, the refiner's.
 * `debate` is the majority over the agents' last answers.
 */
export type AnswerSource = Role | 'debate'

export interface DebateShape {
  /** Defaults to 3 (the paper's equal-inference baseline, App. A.3). */
  agents: number
  /** Defaults to 3. Round 0 is the agents' first answers; rounds 1.. are debate rounds. */
  rounds: number
}

export interface EvalConfiguration {
  /** Lower-case identifier used in comma lists (`--configs sa,malt`) and stored results: `[a-z][a-z0-9_]*`. */
  id: string
  /** What tables and charts print, e.g. "MA+MV". */
  label: string
  pipeline: Pipeline
  /** Every role's adapter, explicitly; roles the pipeline does not run are ignored. */
  adapters: Record<Role, AdapterRef>
  /** Independent passes voted on (MV@k); 1 is no vote. Pass 0 of an MV@k configuration is its k = 1 version. */
  votes: number
  answerFrom: AnswerSource
  /** Debate only. */
  debate?: DebateShape
}

export interface ResolvedConfiguration extends EvalConfiguration {
  /** `adapters` with the named sets bound. */
  resolved: Record<Role, ResolvedAdapter>
}

export const defaultDebateShape: DebateShape = { agents: 3, rounds: 3 }

const idPattern = /^[a-z][a-z0-9_]*$/

/** The roles a pipeline runs, in order (a debate's agents run as the generator role). */
export function rolesOfPipeline(pipeline: Pipeline): Role[] {
  switch (pipeline) {
    case 'G':
    case 'debate':
      return ['generator']
    case 'GV':
      return ['generator', 'verifier']
    case 'GR':
      return ['generator', 'refiner']
    case 'GVR':
      return [...roles]
  }
}

/** The answer sources a pipeline can give: its stages, or `debate`. */
export function answerSourcesOf(pipeline: Pipeline): AnswerSource[] {
  return pipeline === 'debate' ? ['debate'] : rolesOfPipeline(pipeline)
}

/** Throws an `invalid_input` error naming the configuration and the field when it cannot be run. */
export function validateConfiguration(configuration: EvalConfiguration): void {
  const { id } = configuration
  const bad = (field: string, message: string): never => {
    throw new AppError('invalid_input', `configuration '${id}': ${message}`, { field })
  }
  if (!idPattern.test(id)) bad('id', `the id must match ${idPattern} (lower case, digits, underscores)`)
  if (!(pipelines as readonly string[]).includes(configuration.pipeline)) {
    bad('pipeline', `unknown pipeline '${configuration.pipeline}' (one of ${pipelines.join(', ')})`)
  }
  if (!Number.isInteger(configuration.votes) || configuration.votes < 1) {
    bad('votes', `votes must be an integer ≥ 1, got ${configuration.votes}`)
  }
  const sources = answerSourcesOf(configuration.pipeline)
  if (!sources.includes(configuration.answerFrom)) {
    bad('answerFrom', `pipeline ${configuration.pipeline} cannot answer from '${configuration.answerFrom}' (one of ${sources.join(', ')})`)
  }
  for (const role of rolesOfPipeline(configuration.pipeline)) {
    const ref = configuration.adapters[role]
    const ok =
      ref === 'base' ||
      (adapterSetNames as readonly unknown[]).includes(ref) ||
      (typeof ref === 'object' && ref !== null && Number.isInteger(ref.adapterId) && ref.adapterId > 0)
    if (!ok) bad('adapters', `the ${role}'s adapter must be 'base', ${adapterSetNames.map((n) => `'${n}'`).join(', ')} or { adapterId }, got ${JSON.stringify(ref)}`)
  }
  if (configuration.pipeline === 'debate') {
    const shape = configuration.debate
    if (!shape) bad('debate', 'a debate needs its shape { agents, rounds }')
    else {
      if (!Number.isInteger(shape.agents) || shape.agents < 1) bad('debate', `agents must be an integer ≥ 1, got ${shape.agents}`)
      if (!Number.isInteger(shape.rounds) || shape.rounds < 1) bad('debate', `rounds must be an integer ≥ 1, got ${shape.rounds}`)
    }
  } else if (configuration.debate) {
    bad('debate', `only a debate has a debate shape, this is pipeline ${configuration.pipeline}`)
  }
}
