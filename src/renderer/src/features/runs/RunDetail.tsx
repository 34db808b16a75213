import type { JSX } from 'react'
import type { RunSummary } from '@shared/api/schemas/runs'
import { ErrorMessage } from '../../components/ErrorMessage'
import { useAppStore } from '../../stores/useAppStore'
import { useRunsStore } from '../../stores/useRunsStore'
import { CreditControls } from './CreditControls'
import { ExportBar } from './ExportBar'
import { nodesPerQuestion } from './newRunForm'
import { RunCharts } from './RunCharts'
import { jobOfRun, progressOf } from './runProgress'
import { RunQuestionsTable } from './RunQuestionsTable'
import { RunSummaryCards } from './RunSummaryCards'
import { TreeExplorer } from './TreeExplorer'
import { useRunAnalysis, useRunConfig, useSettledCredit } from './useRunData'
import { useRunRefreshKey } from './useRunRefreshKey'

/** Everything about one run: progress, credit settings, charts, exports, its questions and the selected tree. */
export function RunDetail(props: { run: RunSummary }): JSX.Element {
  const { run } = props
  const job = useAppStore((state) => jobOfRun(state.jobs, run.id))
  const credit = useSettledCredit(useRunsStore((state) => state.credit))
  const selectedQuestionId = useRunsStore((state) => state.selectedQuestionId)
  const refreshKey = useRunRefreshKey(run.id, run.expectedNodes)
  const config = useRunConfig(run.id, useAppStore((state) => String(state.revisions.runs ?? 0)))
  const analysis = useRunAnalysis(run.id, credit, refreshKey)
  const expectedNodes = nodesPerQuestion(run.branching)

  return (
    <div className="run-detail" data-testid="run-detail">
      <div className="toolbar">
        <h2 data-testid="run-title">{run.name}</h2>
        <span className="muted">
          run #{run.id} · {run.datasetName}/{run.split} ({run.benchmark})
        </span>
      </div>
      <RunSummaryCards run={run} config={config.data?.id === run.id ? config.data.config : null} progress={progressOf(run, job)} />
      <CreditControls />
      {analysis.error && <ErrorMessage error={analysis.error} title="Could not analyse the run" />}
      {analysis.data && <RunCharts analysis={analysis.data} />}
      <ExportBar runId={run.id} credit={credit} />
      <RunQuestionsTable runId={run.id} expectedNodes={expectedNodes} refreshKey={refreshKey} />
      {selectedQuestionId === null ? (
        <section className="card muted">Select a question to explore its tree.</section>
      ) : (
        <TreeExplorer key={selectedQuestionId} runId={run.id} questionId={selectedQuestionId} expectedNodes={expectedNodes} credit={credit} refreshKey={refreshKey} />
      )}
    </div>
  )
}
