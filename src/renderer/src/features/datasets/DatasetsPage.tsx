import type { JSX } from 'react'
import { useEffect, useMemo, useState } from 'react'
import type { QuestionRow } from '@shared/api/schemas/datasets'
import { ErrorMessage } from '../../components/ErrorMessage'
import { PageHeader } from '../../components/PageHeader'
import type { Column } from '../../components/VirtualTable'
import { VirtualTable } from '../../components/VirtualTable'
import { formatCount } from '../../format'
import { useAppStore } from '../../stores/useAppStore'
import { useDatasetsStore } from '../../stores/useDatasetsStore'
import { ImportPanel } from './ImportPanel'
import { usePagedQuestions } from './usePagedQuestions'

const columns: Column<QuestionRow>[] = [
  { key: 'ordinal', header: '#', width: '64px', render: (row) => <span className="muted">{row.ordinal + 1}</span> },
  { key: 'split', header: 'Split', width: '64px', render: (row) => row.split },
  { key: 'id', header: 'Id', width: '150px', render: (row) => <span className="mono ellipsis" title={row.externalId}>{row.externalId}</span> },
  { key: 'question', header: 'Question', width: 'minmax(200px, 1fr)', render: (row) => <span className="ellipsis" title={row.question}>{row.question}</span> },
  { key: 'answer', header: 'Gold', width: '140px', render: (row) => <span className="mono ellipsis" title={row.answer}>{row.answer}</span> }
]

export function DatasetsPage(): JSX.Element {
  const { datasets, status, error, selectedId, load, select } = useDatasetsStore()
  const revision = useAppStore((state) => state.revisions.datasets ?? 0)
  const [split, setSplit] = useState<string | null>(null)
  const [search, setSearch] = useState('')
  const [showImport, setShowImport] = useState(false)
  const [openRow, setOpenRow] = useState<QuestionRow | null>(null)

  useEffect(() => {
    void load()
  }, [load, revision])
  useEffect(() => {
    setSplit(null)
    setOpenRow(null)
  }, [selectedId])

  const selected = useMemo(() => datasets.find((dataset) => dataset.id === selectedId) ?? null, [datasets, selectedId])
  const questions = usePagedQuestions(selected?.id ?? null, split, search.trim(), revision)

  return (
    <div className="page">
      <PageHeader
        title="Datasets"
        subtitle="Training and test questions with their gold answers: GSM8K, MATH, MATH500, CommonsenseQA, GSM-Symbolic or any JSONL."
        actions={
          <button type="button" className="primary" onClick={() => setShowImport((shown) => !shown)}>
            {showImport ? 'Close import' : 'Import dataset'}
          </button>
        }
      />
      {showImport && <ImportPanel onDone={() => undefined} />}
      {status === 'error' && error && <ErrorMessage error={error} title="Could not load datasets" />}
      <div className="split-layout">
        <section className="card dataset-list" aria-label="Datasets">
          {datasets.length === 0 && status === 'ready' && (
            <p className="muted">No datasets yet. Import one from a file or from the data folder.</p>
          )}
          <ul>
            {datasets.map((dataset) => (
              <li key={dataset.id}>
                <button
                  type="button"
                  className={dataset.id === selectedId ? 'dataset-item active' : 'dataset-item'}
                  onClick={() => select(dataset.id)}
                  data-testid={`dataset-${dataset.name}`}
                >
                  <span className="dataset-name">{dataset.name}</span>
                  <span className="dataset-count" data-testid="question-count">
                    {formatCount(dataset.questionCount)} questions
                  </span>
                  <span className="dataset-meta">
                    <span className="tag">{dataset.benchmark}</span>
                    {dataset.splits.map((s) => (
                      <span key={s.split} className="muted">
                        {s.split} {formatCount(s.count)}
                      </span>
                    ))}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </section>
        <section className="card dataset-detail" aria-label="Questions">
          {selected ? (
            <>
              <div className="toolbar">
                <h2>{selected.name}</h2>
                <select aria-label="Split" value={split ?? ''} onChange={(event) => setSplit(event.target.value || null)}>
                  <option value="">all splits</option>
                  {selected.splits.map((s) => (
                    <option key={s.split} value={s.split}>
                      {s.split}
                    </option>
                  ))}
                </select>
                <input
                  type="search"
                  placeholder="Search question text"
                  value={search}
                  onChange={(event) => setSearch(event.target.value)}
                  aria-label="Search questions"
                />
                <span className="muted">{formatCount(questions.total)} shown</span>
              </div>
              {questions.error && <ErrorMessage error={questions.error} />}
              <VirtualTable
                label={`Questions of ${selected.name}`}
                columns={columns}
                rowCount={questions.total}
                getRow={questions.getRow}
                onVisibleRangeChange={questions.onVisibleRangeChange}
                onRowClick={(row) => setOpenRow(row)}
              />
              {openRow && (
                <div className="question-detail">
                  <div className="toolbar">
                    <strong>
                      {openRow.split} #{openRow.ordinal + 1} · {openRow.externalId}
                    </strong>
                    <button type="button" onClick={() => setOpenRow(null)}>
                      Close
                    </button>
                  </div>
                  <p className="prewrap">{openRow.question}</p>
                  {openRow.choices && (
                    <ol type="A">
                      {openRow.choices.map((choice, index) => (
                        <li key={index}>{choice}</li>
                      ))}
                    </ol>
                  )}
                  <p>
                    Gold answer: <span className="mono">{openRow.answer}</span>
                  </p>
                </div>
              )}
            </>
          ) : (
            <p className="muted">Select a dataset to browse its questions.</p>
          )}
        </section>
      </div>
    </div>
  )
}
