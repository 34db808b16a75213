import type { Role } from '@shared/roles'
import { hashSeed } from '../random/seededRandom'
import type { ResolvedAdapter, ResolvedConfiguration } from './EvalConfiguration'
import { rolesOfPipeline } from './EvalConfiguration'

/**
 * The shape of an evaluation's work: a work unit is one stage output for one question under one evaluation seed, in
 * one pass, at the end of one chain. The chain names the stage and the adapters of every stage before it, because
 * that is exactly what its output depends on:
 *
 *   p0/G[base]                      pass 0's generation by the base model (SA; MA's first turn)
 *   p1/G[base]>V[base]              pass 1's base verification of pass 1's base generation
 *   p2/G[#12]>V[#13]>R[#14]         pass 2 through adapters 12, 13, 14 (MALT with its set bound to those ids)
 *   p0/G[#12]>R[#14](empty)         the G + R ablation's refinement of an empty verification
 *   p0/D3[base](a1,r2)              agent 1's round-2 answer in a 3-agent debate of base models
 *
 * Two configurations that would produce the same output produce the same key, so the work is shared by
 * construction: pass 0 of `ma_mv` is `ma`, SA is MA's first generation, `malt_nomv` is pass 0 of `malt`.
 * Adapters appear as resolved ids (`#12`), not set names, so two names for one adapter share work and a key never
 * means different weights. Keys are stored per (evaluation, seed, question, key).
 */

export type UnitStage =
  | {
      kind: 'role'
      role: Role
      adapter: ResolvedAdapter
      /** The generation this stage reads (verifier, refiner). */
      generationKey?: string
      /** The verification the refiner reads; absent for the G + R ablation, whose refiner reads an empty one. */
      verificationKey?: string
    }
  | {
      kind: 'debate'
      /** 0-based agent index. */
      agent: number
      /** 0-based round: round 0 answers the question, round r > 0 answers the other agents' round r − 1 answers. */
      round: number
      agents: number
      adapter: ResolvedAdapter
    }

/** A unit as the plan has it, the same for every item (seed, question). */
export interface UnitTemplate {
  /** `p<pass>/<chain>`, unique within an item. */
  key: string
  pass: number
  chain: string
  stage: UnitStage
  /** Keys whose outputs this unit's prompt is built from: it runs after them. */
  dependsOn: string[]
}

/** A unit of one item: its template plus the item and its sampling seed. */
export interface WorkUnit extends UnitTemplate {
  seed: number
  questionId: number
  /** From (seed, question, key) only, so a resumed evaluation regenerates a missing unit identically. */
  samplingSeed: number
}

export function adapterToken(adapter: ResolvedAdapter): string {
  return adapter === 'base' ? 'base' : `#${adapter.adapterId}`
}

export function unitKey(pass: number, chain: string): string {
  return `p${pass}/${chain}`
}

/** The sampling seed of one unit; kept within 31 bits for every backend. */
export function unitSamplingSeed(seed: number, questionId: number, key: string): number {
  return hashSeed('malt-eval-unit', seed, questionId, key) & 0x7fffffff
}

const roleLetter: Record<Role, string> = { generator: 'G', verifier: 'V', refiner: 'R' }

/** The chain of a debate agent's round: agents count and adapter, then the agent and round. */
export function debateChain(agents: number, adapter: ResolvedAdapter, agent: number, round: number): string {
  return `D${agents}[${adapterToken(adapter)}](a${agent},r${round})`
}

/**
 * The units one pass of a configuration needs, parents before children. For a pipeline, one per stage; for a debate,
 * agents × rounds, round by round.
 */
export function configurationPassUnits(configuration: ResolvedConfiguration, pass: number): UnitTemplate[] {
  if (configuration.pipeline === 'debate') {
    const { agents, rounds } = configuration.debate!
    const adapter = configuration.resolved.generator
    const units: UnitTemplate[] = []
    for (let round = 0; round < rounds; round++) {
      const previous = round === 0 ? [] : Array.from({ length: agents }, (_, b) => unitKey(pass, debateChain(agents, adapter, b, round - 1)))
      for (let agent = 0; agent < agents; agent++) {
        const chain = debateChain(agents, adapter, agent, round)
        units.push({ key: unitKey(pass, chain), pass, chain, stage: { kind: 'debate', agent, round, agents, adapter }, dependsOn: previous })
      }
    }
    return units
  }

  const units: UnitTemplate[] = []
  let chain = ''
  let generationKey: string | undefined
  let verificationKey: string | undefined
  for (const role of rolesOfPipeline(configuration.pipeline)) {
    const adapter = configuration.resolved[role]
    const emptyVerification = role === 'refiner' && verificationKey === undefined
    chain = `${chain === '' ? '' : `${chain}>`}${roleLetter[role]}[${adapterToken(adapter)}]${emptyVerification ? '(empty)' : ''}`
    const key = unitKey(pass, chain)
    const stage: UnitStage = { kind: 'role', role, adapter }
    if (generationKey !== undefined) stage.generationKey = generationKey
    if (role === 'refiner' && verificationKey !== undefined) stage.verificationKey = verificationKey
    units.push({ key, pass, chain, stage, dependsOn: [generationKey, role === 'refiner' ? verificationKey : undefined].filter((k) => k !== undefined) })
    if (role === 'generator') generationKey = key
    if (role === 'verifier') verificationKey = key
  }
  return units
}

/** How many units a configuration computes per item when nothing is shared: passes × units per pass. */
export function naiveUnitsPerItem(configuration: ResolvedConfiguration): number {
  const perPass =
    configuration.pipeline === 'debate'
      ? configuration.debate!.agents * configuration.debate!.rounds
      : rolesOfPipeline(configuration.pipeline).length
  return configuration.votes * perPass
}
