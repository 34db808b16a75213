import type { JSX } from 'react'
import { useEffect } from 'react'
import type { QuestionOutcome } from '@shared/api/schemas/runs'
import { ErrorMessage } from '../../components/ErrorMessage'
import type { Column } from '../../components/VirtualTable'
import { VirtualTable } from '../../components/VirtualTable'
import { formatCount } from '../../format'
import type { OutcomeFilter } from '../../stores/useRunsStore'
import { useRunsStore } from '../../stores/useRunsStore'
import { shortGold } from './formatRuns'
import { outcomeFilterLabels, outcomeFilters } from './outcomeFilters'
import { ShareMeter } from './ShareMeter'
import { useRunQuestions } from './useRunQuestions'

const rowHeight = 34

/** Tall enough for the rows up to ten; more rows scroll inside (the table is virtualized). */
function tableHeight(rows: number): number {
  return Math.min(Math.max(rows, 3), 10) * rowHeight + 36
}

function columnsFor(expectedNodes: number): Column<QuestionOutcome>[] {
  return [
    { key: 'ordinal', header: '#', width: '48px', render: (row) => <span className="muted">{row.ordinal + 1}</span> },
    { key: 'question', header: 'Question', width: 'minmax(160px, 1fr)', render: (row) => <span className="ellipsis" title={row.question}>{row.question}</span> },
    { key: 'gold', header: 'Gold', width: '70px', render: (row) => <span className="mono ellipsis" title={row.gold}>{shortGold(row.gold)}</span> },
    {
      key: 'nodes',
      header: 'Nodes',
      width: '64px',
      render: (row) => <span className={row.complete ? '' : 'incomplete'} title={row.complete ? 'complete' : 'incomplete'}>{row.nodes}/{expectedNodes}</span>
    },
    { key: 'g', header: 'G right', width: '84px', render: (row) => <ShareMeter role="generator" share={row.generatorCorrect} /> },
    { key: 'v', header: 'V right', width: '84px', render: (row) => <ShareMeter role="verifier" share={row.verifierCorrect} /> },
    { key: 'r', header: 'R right', width: '84px', render: (row) => <ShareMeter role="refiner" share={row.refinerCorrect} /> },
    { key: 'pairs', header: 'Pairs', width: '52px', render: (row) => (row.pairs > 0 ? <strong>{row.pairs}</strong> : <span className="muted">0</span>) }
  ]
}

/** The run's questions with per-role correctness, filtered by outcome; a row opens that question's tree. */
export function RunQuestionsTable(props: { runId: number; expectedNodes: number; refreshKey: string }): JSX.Element {
  const filter = useRunsStore((state) => state.filter)
  const setFilter = useRunsStore((state) => state.setFilter)
  const selectedQuestionId = useRunsStore((state) => state.selectedQuestionId)
  const selectQuestion = useRunsStore((state) => state.selectQuestion)
  const questions = useRunQuestions(props.runId, filter, props.refreshKey)
  // Open the first question's tree when none is chosen, so a selected run shows a tree at once.
  const firstQuestionId = questions.getRow(0)?.questionId ?? null
  useEffect(() => {
    if (selectedQuestionId === null && firstQuestionId !== null) selectQuestion(firstQuestionId)
  }, [selectedQuestionId, firstQuestionId, selectQuestion])

  return (
    <section className="card run-questions" aria-label="Questions of the run">
      <div className="toolbar">
        <h2>Questions</h2>
        <select aria-label="Outcome filter" value={filter} onChange={(event) => setFilter(event.target.value as OutcomeFilter)} data-testid="outcome-filter">
          {outcomeFilters.map((option) => (
            <option key={option} value={option}>
              {outcomeFilterLabels[option]}
            </option>
          ))}
        </select>
        <span className="muted" data-testid="questions-shown">
          {questions.loaded ? `${formatCount(questions.total)} shown` : 'loading…'}
        </span>
        <span className="muted">pairs at θ = 0.5, global pooling</span>
      </div>
      {questions.error && <ErrorMessage error={questions.error} />}
      {questions.loaded && questions.total === 0 ? (
        <p className="muted">No question of this run matches “{outcomeFilterLabels[filter]}”.</p>
      ) : (
        <div className="run-questions-table" style={{ height: tableHeight(questions.total) }}>
          <VirtualTable
            label="Run questions"
            columns={columnsFor(props.expectedNodes)}
            rowCount={questions.total}
            getRow={questions.getRow}
            onVisibleRangeChange={questions.onVisibleRangeChange}
            onRowClick={(row) => selectQuestion(row.questionId)}
            selectedIndex={questions.indexOf(selectedQuestionId)}
            rowHeight={rowHeight}
          />
        </div>
      )}
    </section>
  )
}
