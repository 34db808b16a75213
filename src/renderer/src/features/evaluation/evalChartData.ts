import type { ConfigurationResult, EvaluationResults } from '@shared/api/schemas/evaluations'

/** Pure shapes for the evaluation charts, from `evaluations.results`. Accuracies are percentages (0–100). */

const ablationOrder = ['untrained_g', 'untrained_v', 'untrained_r', 'g_only', 'g_v', 'g_r', 'malt']

/** `57.25 ± 1.48`, or — without a number. */
export function formatMeanStd(accuracy: { mean: number | null; std: number | null }, digits = 2): string {
  if (accuracy.mean === null) return '—'
  return `${accuracy.mean.toFixed(digits)} ± ${(accuracy.std ?? 0).toFixed(digits)}`
}

/** Configurations that have turns (G → V → R, or debate rounds), for Fig. 3. */
export function turnConfigurations(results: EvaluationResults): ConfigurationResult[] {
  return results.configurations.filter((configuration) => configuration.turns.length > 1)
}

/**
 * Accuracy after each turn, one row per turn label in order of first appearance (G, V, R; debate rounds keep their
 * own labels) and one key per configuration (Fig. 3). A pipeline without a turn (G + R has no V) has no point there.
 */
export function turnAccuracyRows(configurations: readonly ConfigurationResult[]): Record<string, string | number | null>[] {
  const labels: string[] = []
  for (const configuration of configurations) for (const turn of configuration.turns) if (!labels.includes(turn.label)) labels.push(turn.label)
  return labels.map((label) => {
    const row: Record<string, string | number | null> = { turn: label }
    for (const configuration of configurations) row[configuration.id] = configuration.turns.find((turn) => turn.label === label)?.accuracy.mean ?? null
    return row
  })
}

/** Wrong→right and right→wrong per stage transition of one configuration, summed over seeds (Fig. 2). */
export function flipRowsOf(configuration: ConfigurationResult): { stage: string; wrongToRight: number; rightToWrong: number }[] {
  return configuration.flips.map((flip) => ({ stage: `${flip.from.label} → ${flip.to.label}`, wrongToRight: flip.total.wrongToRight, rightToWrong: flip.total.rightToWrong }))
}

/** Configurations with a vote (k > 1): accuracy against the number of votes. */
export function votingConfigurations(results: EvaluationResults): ConfigurationResult[] {
  return results.configurations.filter((configuration) => configuration.byVotes.length > 1)
}

export function votesRows(configurations: readonly ConfigurationResult[]): Record<string, number | null>[] {
  const most = Math.max(0, ...configurations.map((configuration) => configuration.byVotes.length))
  return Array.from({ length: most }, (_, index) => {
    const row: Record<string, number | null> = { votes: index + 1 }
    for (const configuration of configurations) row[configuration.id] = configuration.byVotes[index]?.accuracy.mean ?? null
    return row
  })
}

/**
 * Bars for the ablation chart (Tables 4–5): the ablation presets the evaluation has, then MALT; when it has none,
 * every configuration, so the chart still compares what was run. `error` is the std across seeds.
 */
export function ablationBars(results: EvaluationResults): { bars: { id: string; label: string; mean: number | null; error: [number, number] }[]; ablations: boolean } {
  const byId = new Map(results.configurations.map((configuration) => [configuration.id, configuration]))
  const ablations = ablationOrder.filter((id) => id !== 'malt' && byId.has(id)).length > 0
  const chosen = ablations ? ablationOrder.flatMap((id) => byId.get(id) ?? []) : results.configurations
  return {
    ablations,
    bars: chosen.map((configuration) => ({
      id: configuration.id,
      label: configuration.label,
      mean: configuration.accuracy.mean,
      error: [configuration.accuracy.std ?? 0, configuration.accuracy.std ?? 0]
    }))
  }
}

/**
 * The paper's table: configurations (rows, in the first evaluation's order, then any others') × evaluations
 * (columns, one benchmark each), cells mean ± std.
 */
export function resultsTableRows(columns: readonly EvaluationResults[]): { id: string; label: string; cells: (ConfigurationResult | null)[] }[] {
  const rows = new Map<string, { id: string; label: string }>()
  for (const column of columns) for (const configuration of column.configurations) if (!rows.has(configuration.id)) rows.set(configuration.id, { id: configuration.id, label: configuration.label })
  return [...rows.values()].map((row) => ({ ...row, cells: columns.map((column) => column.configurations.find((configuration) => configuration.id === row.id) ?? null) }))
}

/** The best mean of each column, to bold as the paper does; null where every row ties (nothing stands out). */
export function bestMeans(rows: ReturnType<typeof resultsTableRows>, columnCount: number): (number | null)[] {
  return Array.from({ length: columnCount }, (_, column) => {
    const means = rows.map((row) => row.cells[column]?.accuracy.mean).filter((mean): mean is number => typeof mean === 'number')
    if (means.length === 0) return null
    const best = Math.max(...means)
    return means.every((mean) => mean === best) && means.length > 1 ? null : best
  })
}

/** A qualitative palette for one line/bar per configuration. */
export const seriesColors = ['#3b5bdb', '#e8590c', '#2b8a3e', '#9c36b5', '#c92a2a', '#1098ad', '#f08c00', '#5c940d', '#862e9c', '#495057']
