import type { EvaluationSummary } from './aggregateEvaluation'
import type { MeanAndStd } from './meanAndStd'

/**
 * The paper's results layout: configurations as rows, one column per evaluated benchmark (one evaluation each), every
 * cell the accuracy mean ± std over seeds. Rendered by `formatResultsTable`.
 */

export interface ResultsTableColumn {
  /** The header, e.g. "GSM8K" or "GSM-Symbolic P1" (two evaluations may share a benchmark). */
  label: string
  summary: EvaluationSummary
}

export interface ResultsTableRow {
  configurationId: string
  /** One text per leading column (the row's label, or Table 4's ✓/✗ marks). */
  leading: string[]
  /** One per value column; null when that evaluation lacks the configuration or has no complete item for it. */
  values: (MeanAndStd | null)[]
}

export interface ResultsTable {
  leadingColumns: string[]
  valueColumns: string[]
  rows: ResultsTableRow[]
}

export interface ResultsTableOptions {
  /** Rows in this order. Defaults to every configuration of the columns, in order of first appearance. */
  configurationIds?: readonly string[]
  /** Row labels by configuration id. Defaults to the configuration's own label (or its id when no column has it). */
  rowLabels?: Readonly<Record<string, string>>
}

export function resultsTable(columns: readonly ResultsTableColumn[], options: ResultsTableOptions = {}): ResultsTable {
  const ids = options.configurationIds ?? [...new Set(columns.flatMap((column) => column.summary.configurations.map((c) => c.configuration.id)))]
  return {
    leadingColumns: ['Configuration'],
    valueColumns: columns.map((column) => column.label),
    rows: ids.map((id) => {
      const found = columns.map((column) => column.summary.configurations.find((c) => c.configuration.id === id))
      const label = options.rowLabels?.[id] ?? found.find((c) => c !== undefined)?.configuration.label ?? id
      return {
        configurationId: id,
        leading: [label],
        values: found.map((c) => (c && c.accuracy.n > 0 ? { mean: c.accuracy.mean, std: c.accuracy.std, n: c.accuracy.n } : null))
      }
    })
  }
}
