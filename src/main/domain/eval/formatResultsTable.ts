import type { MeanAndStd } from './meanAndStd'
import type { ResultsTable } from './resultsTable'

export type ResultsTableFormat = 'csv' | 'json' | 'markdown'

export interface FormatResultsTableOptions {
  /** Decimals of means and stds. Defaults to 2, as the paper ("57.25 ± 1.48"). */
  digits?: number
  /** Print "± std" (CSV, Markdown). Defaults to true. */
  std?: boolean
  /** CSV and Markdown: a "<column> std" column after each "<column>" (mean only) column, for spreadsheets. Defaults to false. */
  splitStd?: boolean
  /** What an empty cell shows. Defaults to "–". */
  missing?: string
}

/** A mean ± std cell as the paper prints it: `57.25 ± 1.48`. */
export function formatMeanStd(value: MeanAndStd | null, options: FormatResultsTableOptions = {}): string {
  const digits = options.digits ?? 2
  if (!value || value.mean === null) return options.missing ?? '–'
  const mean = value.mean.toFixed(digits)
  return options.std === false || value.std === null ? mean : `${mean} ± ${value.std.toFixed(digits)}`
}

/**
 * A results table as CSV (RFC 4180 quoting, `\n` line ends), JSON (an array of row objects keyed by column header,
 * every value cell `{ mean, std, n, text }` with unrounded numbers) or Markdown (a GitHub pipe table).
 */
export function formatResultsTable(table: ResultsTable, format: ResultsTableFormat, options: FormatResultsTableOptions = {}): string {
  if (format === 'json') {
    const rows = table.rows.map((row) => {
      const out: Record<string, unknown> = { configurationId: row.configurationId }
      table.leadingColumns.forEach((column, index) => (out[column] = row.leading[index] ?? ''))
      table.valueColumns.forEach((column, index) => {
        const value = row.values[index] ?? null
        out[column] = value && value.mean !== null ? { mean: value.mean, std: value.std, n: value.n, text: formatMeanStd(value, options) } : null
      })
      return out
    })
    return `${JSON.stringify(rows, null, 2)}\n`
  }

  const missing = options.missing ?? '–'
  const header = [...table.leadingColumns]
  for (const column of table.valueColumns) header.push(...(options.splitStd ? [column, `${column} std`] : [column]))
  const body = table.rows.map((row) => {
    const cells = [...row.leading]
    for (const value of row.values) {
      if (!options.splitStd) cells.push(formatMeanStd(value, options))
      else {
        const digits = options.digits ?? 2
        cells.push(value?.mean != null ? value.mean.toFixed(digits) : missing, value?.std != null ? value.std.toFixed(digits) : missing)
      }
    }
    return cells
  })

  if (format === 'csv') return [header, ...body].map((cells) => cells.map(csvCell).join(',')).join('\n') + '\n'
  const line = (cells: readonly string[]) => `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`
  const separator = `| ${header.map((_, index) => (index < table.leadingColumns.length ? '---' : '---:')).join(' | ')} |`
  return [line(header), separator, ...body.map(line)].join('\n') + '\n'
}

function csvCell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}
