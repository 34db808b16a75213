import { describe, expect, it } from 'vitest'
import { AppError } from '../../../../src/shared/errors'
import { adapterSetsNeeded } from '../../../../src/main/domain/eval/adapterSetsNeeded'
import type { EvalConfiguration } from '../../../../src/main/domain/eval/EvalConfiguration'
import { validateConfiguration } from '../../../../src/main/domain/eval/EvalConfiguration'
import { builtInConfigurationIds, evalConfigurations } from '../../../../src/main/domain/eval/evalConfigurations'
import { parseConfigurationIds } from '../../../../src/main/domain/eval/parseConfigurationIds'
import { resolveConfigurations } from '../../../../src/main/domain/eval/resolveConfigurations'

const byId = (id: string, votes?: number) => evalConfigurations(votes === undefined ? {} : { votes }).find((c) => c.id === id)!

describe('evalConfigurations', () => {
  it('has every preset of the paper, each valid, in the listed order', () => {
    const presets = evalConfigurations()
    expect(presets.map((c) => c.id)).toEqual([...builtInConfigurationIds])
    for (const preset of presets) expect(() => validateConfiguration(preset)).not.toThrow()
  })

  it('matches the paper’s definitions (Table 1, 2, 4, 5)', () => {
    expect(byId('sa')).toMatchObject({ pipeline: 'G', votes: 1, answerFrom: 'generator', adapters: { generator: 'base' } })
    expect(byId('ma_mv')).toMatchObject({ pipeline: 'GVR', votes: 3, answerFrom: 'refiner', adapters: { generator: 'base', verifier: 'base', refiner: 'base' } })
    expect(byId('star_ma_mv').adapters).toEqual({ generator: 'star', verifier: 'star', refiner: 'star' })
    expect(byId('malt_nomv')).toMatchObject({ pipeline: 'GVR', votes: 1 })
    expect(byId('malt')).toMatchObject({ pipeline: 'GVR', votes: 3, adapters: { generator: 'malt', verifier: 'malt', refiner: 'malt' } })
    expect(byId('debate')).toMatchObject({ pipeline: 'debate', votes: 1, answerFrom: 'debate', debate: { agents: 3, rounds: 3 } })
    expect(byId('untrained_v').adapters).toEqual({ generator: 'malt', verifier: 'base', refiner: 'malt' })
    expect(byId('g_v')).toMatchObject({ pipeline: 'GV', answerFrom: 'verifier', votes: 3 })
    expect(byId('g_r')).toMatchObject({ pipeline: 'GR', answerFrom: 'refiner', votes: 3 })
    expect(byId('g_only')).toMatchObject({ pipeline: 'G', votes: 3, adapters: { generator: 'malt' } })
  })

  it('sets k of MV@k on the voting presets only', () => {
    const presets = evalConfigurations({ votes: 5, debate: { agents: 2, rounds: 4 } })
    expect(presets.filter((c) => c.votes === 5).map((c) => c.id)).toEqual([
      'sa_mv', 'ma_mv', 'star_sa_mv', 'star_ma_mv', 'malt', 'untrained_g', 'untrained_v', 'untrained_r', 'g_only', 'g_v', 'g_r'
    ])
    expect(presets.filter((c) => c.votes === 1).map((c) => c.id)).toEqual(['sa', 'ma', 'star_sa', 'star_ma', 'malt_nomv', 'debate'])
    expect(presets.find((c) => c.id === 'debate')!.debate).toEqual({ agents: 2, rounds: 4 })
  })
})

describe('validateConfiguration', () => {
  const valid: EvalConfiguration = { id: 'mine', label: 'Mine', pipeline: 'GV', adapters: { generator: { adapterId: 4 }, verifier: 'star', refiner: 'base' }, votes: 2, answerFrom: 'verifier' }
  it.each([
    [{ id: 'My Config' }, /id must match/],
    [{ votes: 0 }, /votes must be an integer ≥ 1, got 0/],
    [{ votes: 1.5 }, /got 1.5/],
    [{ answerFrom: 'refiner' }, /pipeline GV cannot answer from 'refiner' \(one of generator, verifier\)/],
    [{ adapters: { generator: { adapterId: -1 }, verifier: 'base', refiner: 'base' } }, /generator's adapter must be/],
    [{ pipeline: 'debate', answerFrom: 'debate' }, /a debate needs its shape/],
    [{ debate: { agents: 3, rounds: 3 } }, /only a debate has a debate shape/]
  ] as const)('rejects %j', (change, message) => {
    expect(() => validateConfiguration({ ...valid, ...change } as EvalConfiguration)).toThrow(message)
  })
  it('accepts a hand-written mix', () => expect(() => validateConfiguration(valid)).not.toThrow())
})

describe('parseConfigurationIds', () => {
  it('returns the named presets in the list’s order, ignoring spaces', () => {
    expect(parseConfigurationIds('sa, sa_mv,ma ,malt').map((c) => c.id)).toEqual(['sa', 'sa_mv', 'ma', 'malt'])
    expect(parseConfigurationIds('malt', { votes: 5 })[0]!.votes).toBe(5)
  })

  it('says which id is unknown and lists the known ones', () => {
    const error = (() => {
      try {
        parseConfigurationIds('sa,mallt')
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).code).toBe('invalid_input')
    expect((error as AppError).message).toMatch(/^unknown configuration 'mallt'; known: sa, sa_mv, ma, /)
  })

  it('rejects duplicates, empty entries and an empty list', () => {
    expect(() => parseConfigurationIds('sa,sa')).toThrow("configuration 'sa' is listed twice")
    expect(() => parseConfigurationIds('sa,,ma')).toThrow('has an empty entry at position 2')
    expect(() => parseConfigurationIds(' ')).toThrow(/no configurations given/)
  })

  it('knows custom configurations, which may replace a preset', () => {
    const custom: EvalConfiguration = { id: 'sa', label: 'SA (adapter 9)', pipeline: 'G', adapters: { generator: { adapterId: 9 }, verifier: 'base', refiner: 'base' }, votes: 1, answerFrom: 'generator' }
    const mix: EvalConfiguration = { ...custom, id: 'mix', label: 'mix' }
    expect(parseConfigurationIds('sa,mix', { custom: [custom, mix] }).map((c) => c.label)).toEqual(['SA (adapter 9)', 'mix'])
  })
})

describe('adapterSetsNeeded', () => {
  it('lists the sets and the roles the pipelines actually run', () => {
    expect(adapterSetsNeeded(parseConfigurationIds('sa,ma_mv,debate'))).toEqual([])
    expect(adapterSetsNeeded(parseConfigurationIds('g_only'))).toEqual([{ set: 'malt', roles: ['generator'], configurationIds: ['g_only'] }])
    expect(adapterSetsNeeded(parseConfigurationIds('sa,untrained_g,g_r,star_sa'))).toEqual([
      { set: 'malt', roles: ['generator', 'verifier', 'refiner'], configurationIds: ['untrained_g', 'g_r'] },
      { set: 'star', roles: ['generator'], configurationIds: ['star_sa'] }
    ])
  })
})

describe('resolveConfigurations', () => {
  it('binds named sets per role; null leaves a role on the base model; unrun roles are base', () => {
    const [gR, malt] = resolveConfigurations(parseConfigurationIds('g_r,malt'), { malt: { generator: null, verifier: 7, refiner: 8 } })
    expect(gR!.resolved).toEqual({ generator: 'base', verifier: 'base', refiner: { adapterId: 8 } })
    expect(malt!.resolved).toEqual({ generator: 'base', verifier: { adapterId: 7 }, refiner: { adapterId: 8 } })
  })

  it('names the configuration, set and role that are not bound', () => {
    expect(() => resolveConfigurations(parseConfigurationIds('malt'), { malt: { generator: 1, verifier: 2 } })).toThrow(
      "configuration 'malt' runs the refiner with the 'malt' adapter set, but no 'malt' refiner adapter is chosen"
    )
    expect(() => resolveConfigurations(parseConfigurationIds('star_sa'))).toThrow(/'star' generator adapter/)
    expect(() => resolveConfigurations([byId('sa'), byId('sa')])).toThrow("configuration 'sa' is given twice")
  })
})
