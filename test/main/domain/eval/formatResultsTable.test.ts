import { describe, expect, it } from 'vitest'
import { ablationTable } from '../../../../src/main/domain/eval/ablationTable'
import { aggregateEvaluation } from '../../../../src/main/domain/eval/aggregateEvaluation'
import { evalConfigurations } from '../../../../src/main/domain/eval/evalConfigurations'
import { formatMeanStd, formatResultsTable } from '../../../../src/main/domain/eval/formatResultsTable'
import { planEvaluation } from '../../../../src/main/domain/eval/planEvaluation'
import type { AdapterSets } from '../../../../src/main/domain/eval/resolveConfigurations'
import { resultsTable } from '../../../../src/main/domain/eval/resultsTable'
import { fixturePlan, fixtureResults } from './fixtures'

describe('formatResultsTable', () => {
  const gsm8k = aggregateEvaluation(fixturePlan(), fixtureResults(), { benchmark: 'gsm8k' })
  // A second column where only some items are done: sa_mv has none complete.
  const partial = aggregateEvaluation(
    fixturePlan(),
    fixtureResults().filter((r) => r.key === 'p0/G[base]'),
    { benchmark: 'gsm8k' }
  )
  const table = resultsTable([{ label: 'GSM8K', summary: gsm8k }, { label: 'GSM, "sym"', summary: partial }], { configurationIds: ['sa', 'sa_mv', 'ma_mv'] })

  it('prints cells as the paper does', () => {
    expect(formatMeanStd({ mean: 57.25, std: 1.479019945774904, n: 4 })).toBe('57.25 ± 1.48')
    expect(formatMeanStd({ mean: 57.25, std: 1.48, n: 4 }, { std: false, digits: 1 })).toBe('57.3')
    expect(formatMeanStd(null)).toBe('–')
  })

  it('writes Markdown: configurations × benchmarks', () => {
    expect(formatResultsTable(table, 'markdown')).toBe(
      [
        '| Configuration | GSM8K | GSM, "sym" |',
        '| --- | ---: | ---: |',
        '| SA | 66.67 ± 0.00 | 66.67 ± 0.00 |',
        '| SA+MV | 50.00 ± 16.67 | – |',
        '| MA+MV | 66.67 ± 0.00 | – |',
        ''
      ].join('\n')
    )
  })

  it('writes CSV with quoting, optionally with std columns of their own', () => {
    expect(formatResultsTable(table, 'csv')).toBe(
      'Configuration,GSM8K,"GSM, ""sym"""\nSA,66.67 ± 0.00,66.67 ± 0.00\nSA+MV,50.00 ± 16.67,–\nMA+MV,66.67 ± 0.00,–\n'
    )
    expect(formatResultsTable(table, 'csv', { splitStd: true, digits: 1 }).split('\n')[2]).toBe('SA+MV,50.0,16.7,–,–')
  })

  it('writes JSON with unrounded numbers', () => {
    const rows = JSON.parse(formatResultsTable(table, 'json')) as Record<string, unknown>[]
    expect(rows[1]).toEqual({
      configurationId: 'sa_mv',
      Configuration: 'SA+MV',
      GSM8K: { mean: 50, std: expect.closeTo(50 / 3, 10), n: 2, text: '50.00 ± 16.67' },
      'GSM, "sym"': null
    })
  })
})

describe('ablationTable', () => {
  const sets = { malt: { generator: 1, verifier: 2, refiner: 3 } }
  const summaryOf = (ids: string[], adapterSets: AdapterSets = sets) =>
    aggregateEvaluation(
      planEvaluation({ configurations: evalConfigurations().filter((c) => ids.includes(c.id)), adapterSets, questionIds: [1], seedCount: 1 }),
      [],
      { benchmark: 'gsm8k' }
    )

  it('lays out Table 4 with ✓/✗ per trained role, from the adapters the evaluation bound', () => {
    const table = ablationTable([{ label: 'GSM8K', summary: summaryOf(['untrained_g', 'untrained_v', 'malt'], { malt: { generator: 1, verifier: 2, refiner: null } }) }], 'untrainedRole')
    expect(table.leadingColumns).toEqual(['G', 'V', 'R'])
    expect(table.rows.map((r) => [r.configurationId, r.leading.join('')])).toEqual([
      ['untrained_g', '✗✓✗'], // the bound MALT set leaves the refiner untrained
      ['untrained_v', '✓✗✗'],
      ['untrained_r', '✓✓✗'], // not evaluated: marks from the preset
      ['malt', '✓✓✗']
    ])
    expect(table.rows[2]!.values).toEqual([null])
    expect(formatResultsTable(table, 'markdown').split('\n')[0]).toBe('| G | V | R | GSM8K |')
  })

  it('lays out Table 5 with the paper’s row names', () => {
    const table = ablationTable([{ label: 'MATH', summary: summaryOf(['g_only', 'g_v', 'g_r', 'malt']) }], 'pipeline')
    expect(table.rows.map((r) => r.leading[0])).toEqual(['G only', 'G + V', 'G + R', 'G + V + R'])
  })
})
