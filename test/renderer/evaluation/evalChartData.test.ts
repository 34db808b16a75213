import { describe, expect, it } from 'vitest'
import type { ConfigurationResult, EvaluationResults } from '../../../src/shared/api/schemas/evaluations'
import { defaultVerifierPair, stepIndex } from '../../../src/renderer/src/features/compare/comparePairs'
import {
  ablationBars,
  bestMeans,
  flipRowsOf,
  formatMeanStd,
  resultsTableRows,
  turnAccuracyRows,
  votesRows
} from '../../../src/renderer/src/features/evaluation/evalChartData'
import { parseSeedList, toCreateEvaluationInput, defaultNewEvaluationFields } from '../../../src/renderer/src/features/evaluation/newEvaluationForm'

const statistics = (mean: number | null, std: number | null = 0) => ({ perSeed: [], mean, std, n: mean === null ? 0 : 1 })
const turn = (label: string, mean: number) => ({ id: label, label, accuracy: statistics(mean) })

function configuration(id: string, fields: Partial<ConfigurationResult> = {}): ConfigurationResult {
  return {
    id,
    label: id.toUpperCase(),
    pipeline: 'GVR',
    adapters: { generator: 'base', verifier: 'base', refiner: 'base' },
    votes: 1,
    answerFrom: 'refiner',
    resolved: { generator: 'base', verifier: 'base', refiner: 'base' },
    accuracy: statistics(50, 5),
    completeItems: 4,
    incompleteItems: 0,
    turns: [],
    flips: [],
    byVotes: [],
    ...fields
  }
}

function results(evaluationId: number, configurations: ConfigurationResult[]): EvaluationResults {
  return {
    evaluationId,
    benchmark: 'gsm8k',
    complete: true,
    fromStore: true,
    computedAt: '2026-01-01T00:00:00.000Z',
    seeds: [0],
    itemCount: 4,
    unitCount: 12,
    storedUnits: 12,
    configurations
  }
}

describe('evaluation chart data', () => {
  it('formats mean ± std and leaves a missing mean as a dash', () => {
    expect(formatMeanStd({ mean: 57.25, std: 1.479 })).toBe('57.25 ± 1.48')
    expect(formatMeanStd({ mean: 100, std: null }, 1)).toBe('100.0 ± 0.0')
    expect(formatMeanStd({ mean: null, std: null })).toBe('—')
  })

  it('lines up turns by label, so G + R has no point at V', () => {
    const rows = turnAccuracyRows([
      configuration('malt', { turns: [turn('G', 60), turn('V', 70), turn('R', 80)] }),
      configuration('g_r', { pipeline: 'GR', turns: [turn('G', 55), turn('R', 65)] })
    ])
    expect(rows).toEqual([
      { turn: 'G', malt: 60, g_r: 55 },
      { turn: 'V', malt: 70, g_r: null },
      { turn: 'R', malt: 80, g_r: 65 }
    ])
  })

  it('sums flips per stage and gives accuracy per number of votes', () => {
    const counts = (wrongToRight: number, rightToWrong: number) => ({ wrongToRight, rightToWrong, stayedRight: 0, stayedWrong: 0 })
    const malt = configuration('malt', {
      votes: 2,
      flips: [{ from: { id: 'G', label: 'G' }, to: { id: 'V', label: 'V' }, perSeed: [], total: counts(3, 1) }],
      byVotes: [
        { votes: 1, accuracy: statistics(50) },
        { votes: 2, accuracy: statistics(75) }
      ]
    })
    expect(flipRowsOf(malt)).toEqual([{ stage: 'G → V', wrongToRight: 3, rightToWrong: 1 }])
    expect(votesRows([malt])).toEqual([
      { votes: 1, malt: 50 },
      { votes: 2, malt: 75 }
    ])
  })

  it('bars the ablations in the paper’s order with MALT last, else every configuration', () => {
    const withAblations = results(1, [configuration('malt', { accuracy: statistics(80, 2) }), configuration('g_only'), configuration('untrained_v'), configuration('sa')])
    expect(ablationBars(withAblations)).toEqual({
      ablations: true,
      bars: [
        { id: 'untrained_v', label: 'UNTRAINED_V', mean: 50, error: [5, 5] },
        { id: 'g_only', label: 'G_ONLY', mean: 50, error: [5, 5] },
        { id: 'malt', label: 'MALT', mean: 80, error: [2, 2] }
      ]
    })
    expect(ablationBars(results(1, [configuration('sa'), configuration('ma')])).bars.map((bar) => bar.id)).toEqual(['sa', 'ma'])
  })

  it('makes the paper’s table: rows in first-seen order across columns, best mean per column unless all tie', () => {
    const rows = resultsTableRows([
      results(1, [configuration('sa', { accuracy: statistics(40) }), configuration('malt', { accuracy: statistics(70) })]),
      results(2, [configuration('malt', { accuracy: statistics(20) }), configuration('debate', { accuracy: statistics(20) })])
    ])
    expect(rows.map((row) => [row.id, row.cells.map((cell) => cell?.accuracy.mean ?? null)])).toEqual([
      ['sa', [40, null]],
      ['malt', [70, 20]],
      ['debate', [null, 20]]
    ])
    expect(bestMeans(rows, 2)).toEqual([70, null])
  })
})

describe('new evaluation form', () => {
  it('reads seed lists and ranges, ascending, and refuses duplicates and junk', () => {
    expect(parseSeedList('0,1,2,3')).toEqual([0, 1, 2, 3])
    expect(parseSeedList(' 3 1, 5-6 ')).toEqual([1, 3, 5, 6])
    expect(parseSeedList('0-3')).toEqual([0, 1, 2, 3])
    expect(() => parseSeedList('1,1')).toThrow(/twice/)
    expect(() => parseSeedList('a')).toThrow(/not a seed/)
    expect(() => parseSeedList('')).toThrow(/at least one/)
  })

  it('turns the fields into create input, binding only the adapter sets the configurations need', () => {
    const fields = {
      ...defaultNewEvaluationFields,
      datasetId: '3',
      configurationIds: ['sa', 'malt'],
      subsetSize: '',
      adapterSets: { malt: { generator: '4', verifier: '', refiner: '6' }, star: { generator: '9', verifier: '9', refiner: '9' } }
    }
    expect(toCreateEvaluationInput(fields, { malt: true, star: false })).toEqual({
      datasetId: 3,
      split: 'test',
      configurations: ['sa', 'malt'],
      adapterSets: { malt: { generator: 4, verifier: null, refiner: 6 } },
      seeds: [0, 1, 2, 3],
      subsetSize: null,
      votes: 3,
      sampling: { temperature: 0.3, topP: 1, maxTokens: 512 },
      debate: { agents: 3, rounds: 3 },
      questionConcurrency: 4,
      start: true
    })
  })
})

describe('compare page choices', () => {
  const gvr = (id: string, generator: 'base' | { adapterId: number }, verifier: 'base' | { adapterId: number }) => ({ id, resolved: { generator, verifier } })

  it('prefers the paper’s malt vs untrained_v, else two configurations on one generator with base as the untrained verifier', () => {
    expect(defaultVerifierPair([gvr('ma', 'base', 'base'), gvr('malt', { adapterId: 1 }, { adapterId: 2 }), gvr('untrained_v', { adapterId: 1 }, 'base')])).toEqual({
      trained: 'malt',
      untrained: 'untrained_v'
    })
    expect(defaultVerifierPair([gvr('mine', { adapterId: 1 }, { adapterId: 2 }), gvr('ma', 'base', 'base'), gvr('other', { adapterId: 1 }, 'base')])).toEqual({
      trained: 'mine',
      untrained: 'other'
    })
    expect(defaultVerifierPair([gvr('ma', 'base', 'base')])).toBeNull()
  })

  it('steps with wrap-around', () => {
    expect(stepIndex(0, -1, 5)).toBe(4)
    expect(stepIndex(4, 1, 5)).toBe(0)
    expect(stepIndex(2, 1, 0)).toBe(0)
  })
})
