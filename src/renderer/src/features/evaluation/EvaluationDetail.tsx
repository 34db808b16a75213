import type { JSX } from 'react'
import { useMemo, useState } from 'react'
import type { EvaluationResults, EvaluationView } from '@shared/api/schemas/evaluations'
import { workbench } from '../../api/workbench'
import { ErrorMessage } from '../../components/ErrorMessage'
import { useAppStore } from '../../stores/useAppStore'
import { useEvaluationsStore } from '../../stores/useEvaluationsStore'
import { downloadText } from '../runs/downloadText'
import { useLoaded } from '../runs/useLoaded'
import { bestMeans, formatMeanStd, resultsTableRows } from './evalChartData'
import { EvaluationCharts } from './EvaluationCharts'
import { EvaluationComparison } from './EvaluationComparison'
import { jobOfEvaluation } from './evaluationProgress'
import { ItemBrowser } from './ItemBrowser'

const benchmarkLabels: Record<string, string> = { gsm8k: 'GSM8K', math: 'MATH', csqa: 'CSQA' }

/** The selected evaluation: the paper's table (with other evaluations as more columns), exports, charts, items, comparison. */
export function EvaluationDetail(props: { evaluation: EvaluationView }): JSX.Element {
  const { evaluation } = props
  const evaluations = useEvaluationsStore((state) => state.evaluations)
  const others = useMemo(() => evaluations.filter((other) => other.id !== evaluation.id), [evaluations, evaluation.id])
  // A running evaluation refreshes its numbers about 20 times over its run (each refresh re-aggregates every stored
  // unit on the service side), a finished one once.
  const job = useAppStore((state) => jobOfEvaluation(state.jobs, evaluation.id))
  const refreshEvery = Math.max(10, Math.ceil((job?.total ?? 0) / 20))
  const liveStep = job && job.status === 'running' ? Math.floor(job.done / refreshEvery) : -1
  const [extraColumns, setExtraColumns] = useState<number[]>([])
  const columnIds = [evaluation.id, ...extraColumns.filter((id) => others.some((other) => other.id === id))]
  const key = `${columnIds.join(',')}:${evaluation.status}:${evaluation.storedUnits}:${liveStep}`
  const columns = useLoaded<EvaluationResults[]>(key, () => Promise.all(columnIds.map((evaluationId) => workbench.evaluations.results({ evaluationId }))))
  const results = columns.data?.[0]?.evaluationId === evaluation.id ? columns.data[0] : null

  return (
    <section className="run-detail" aria-label="Evaluation detail">
      <div className="toolbar">
        <h2 data-testid="evaluation-title">{evaluation.name}</h2>
        <span className="muted mono ellipsis" title={evaluation.modelPath}>
          {evaluation.modelPath}
        </span>
      </div>
      {columns.error && <ErrorMessage error={columns.error} title="Could not load the results" />}
      {columns.data && results && (
        <>
          <ResultsTable columns={columns.data} evaluations={[evaluation, ...others]} />
          <div className="card table-columns">
            <span className="muted">More columns (one benchmark each):</span>
            {others.length === 0 && <span className="muted">no other evaluation yet</span>}
            {others.map((other) => (
              <label key={other.id} className="check">
                <input
                  type="checkbox"
                  checked={extraColumns.includes(other.id)}
                  onChange={() => setExtraColumns((current) => (current.includes(other.id) ? current.filter((id) => id !== other.id) : [...current, other.id]))}
                />
                #{other.id} {other.datasetName}
              </label>
            ))}
          </div>
          <ExportButtons evaluationIds={columnIds} evaluationId={evaluation.id} />
          <EvaluationCharts results={results} />
        </>
      )}
      <ItemBrowser evaluation={evaluation} refreshKey={key} />
      <EvaluationComparison evaluation={evaluation} />
    </section>
  )
}

/** Configurations × benchmarks, mean ± std over seeds, the best of each column in bold (the paper's Table 1 layout). */
function ResultsTable(props: { columns: EvaluationResults[]; evaluations: EvaluationView[] }): JSX.Element {
  const rows = resultsTableRows(props.columns)
  const best = bestMeans(rows, props.columns.length)
  const header = (results: EvaluationResults) => {
    const evaluation = props.evaluations.find((candidate) => candidate.id === results.evaluationId)
    const standard = evaluation && evaluation.datasetName.toLowerCase() === results.benchmark
    return `${standard ? benchmarkLabels[results.benchmark] : (evaluation?.datasetName ?? benchmarkLabels[results.benchmark])}${props.columns.length > 1 ? ` (#${results.evaluationId})` : ''}`
  }
  const first = props.columns[0]!
  return (
    <section className="card results-table-card">
      <div className="toolbar">
        <h2>Results</h2>
        <span className="muted">
          accuracy (%) mean ± std over {first.seeds.length} seed{first.seeds.length === 1 ? '' : 's'} ({first.seeds.join(', ')}) · {first.itemCount} items ·{' '}
          {first.storedUnits}/{first.unitCount} units{first.complete ? '' : ' (partial: incomplete items are left out)'}
        </span>
      </div>
      <table className="results-table" data-testid="results-table">
        <thead>
          <tr>
            <th>Configuration</th>
            {props.columns.map((column) => (
              <th key={column.evaluationId} className="num">
                {header(column)}
              </th>
            ))}
            <th className="num muted" title="the first column's accuracy under each seed, in seed order">
              per seed (%)
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} data-testid={`results-row-${row.id}`}>
              <td>
                {row.label} <span className="muted mono">{row.id}</span>
              </td>
              {row.cells.map((cell, index) => (
                <td key={index} className={`num${cell && cell.accuracy.mean !== null && cell.accuracy.mean === best[index] ? ' best' : ''}`}>
                  {cell ? formatMeanStd(cell.accuracy) : ''}
                  {cell && cell.incompleteItems > 0 && <span className="muted"> ({cell.completeItems} items)</span>}
                </td>
              ))}
              <td className="num muted mono">
                {row.cells[0]?.accuracy.perSeed.map((seed) => (seed.accuracy === null ? '—' : seed.accuracy.toFixed(0))).join(' · ') ?? ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}

/** The table (in the columns shown) as CSV, JSON or Markdown, and the per-item outputs as JSONL. */
function ExportButtons(props: { evaluationIds: number[]; evaluationId: number }): JSX.Element {
  const [error, setError] = useState<Error | null>(null)
  const [busy, setBusy] = useState(false)
  const run = async (action: () => Promise<void>) => {
    setBusy(true)
    setError(null)
    try {
      await action()
    } catch (caught) {
      setError(caught as Error)
    } finally {
      setBusy(false)
    }
  }
  const table = (format: 'csv' | 'json' | 'markdown', kind: 'results' | 'untrainedRole' | 'pipeline' = 'results') =>
    run(async () => {
      const file = await workbench.evaluations.exportTable({ evaluationIds: props.evaluationIds, format, table: kind })
      downloadText(file.fileName, file.content, format === 'csv' ? 'text/csv' : format === 'json' ? 'application/json' : 'text/markdown')
    })
  return (
    <div className="card export-bar" data-testid="evaluation-exports">
      <strong>Export</strong>
      <span className="export-group">
        <span className="muted">Table</span>
        <button type="button" disabled={busy} onClick={() => void table('csv')}>
          CSV
        </button>
        <button type="button" disabled={busy} onClick={() => void table('json')}>
          JSON
        </button>
        <button type="button" disabled={busy} onClick={() => void table('markdown')}>
          Markdown
        </button>
      </span>
      <span className="export-group">
        <span className="muted">Ablation tables</span>
        <button type="button" disabled={busy} onClick={() => void table('markdown', 'untrainedRole')} title="Table 4: one untrained agent">
          Table 4
        </button>
        <button type="button" disabled={busy} onClick={() => void table('markdown', 'pipeline')} title="Table 5: ablated pipelines">
          Table 5
        </button>
      </span>
      <span className="export-group">
        <span className="muted">Per-item outputs</span>
        <button
          type="button"
          disabled={busy}
          onClick={() =>
            void run(async () => {
              const file = await workbench.evaluations.exportItems({ evaluationId: props.evaluationId })
              downloadText(file.fileName, file.content)
            })
          }
        >
          JSONL
        </button>
      </span>
      {error && <ErrorMessage error={error} title="Export failed" />}
    </div>
  )
}
