import type { JSX } from 'react'
import { useEffect, useState } from 'react'
import type { DatasetSummary, QuestionRow } from '@shared/api/schemas/datasets'
import { workbench } from '../../api/workbench'
import { usePlaygroundStore } from '../../stores/usePlaygroundStore'

/** Pick a question from a dataset of the current benchmark, or type one. */
export function QuestionPicker(): JSX.Element {
  const { benchmark, question, setQuestion } = usePlaygroundStore()
  const [datasets, setDatasets] = useState<DatasetSummary[]>([])
  const [datasetId, setDatasetId] = useState<number | null>(null)
  const [search, setSearch] = useState('')
  const [matches, setMatches] = useState<QuestionRow[]>([])

  useEffect(() => {
    void workbench.datasets.list().then((all) => {
      const ofBenchmark = all.filter((dataset) => dataset.benchmark === benchmark)
      setDatasets(ofBenchmark)
      setDatasetId(ofBenchmark[0]?.id ?? null)
    })
  }, [benchmark])
  useEffect(() => {
    if (datasetId === null) return setMatches([])
    const handle = setTimeout(() => {
      void workbench.datasets.questions({ datasetId, offset: 0, limit: 25, ...(search.trim() ? { search: search.trim() } : {}) }).then((page) => setMatches(page.items))
    }, 200)
    return () => clearTimeout(handle)
  }, [datasetId, search])

  return (
    <section className="card" aria-label="Question">
      <h2>Question</h2>
      <div className="form-row">
        <select value={datasetId ?? ''} onChange={(event) => setDatasetId(event.target.value ? Number(event.target.value) : null)} aria-label="Dataset">
          {datasets.length === 0 && <option value="">no {benchmark} dataset imported</option>}
          {datasets.map((dataset) => (
            <option key={dataset.id} value={dataset.id}>
              {dataset.name}
            </option>
          ))}
        </select>
        <input className="grow" type="search" placeholder="Search questions" value={search} onChange={(event) => setSearch(event.target.value)} aria-label="Search questions" />
        <select
          className="question-pick"
          aria-label="Pick question"
          data-testid="pick-question"
          value=""
          onChange={(event) => {
            const row = matches.find((candidate) => candidate.id === Number(event.target.value))
            if (row) setQuestion({ text: row.question, gold: row.answer, choices: row.choices ?? [], questionId: row.id })
          }}
        >
          <option value="">{matches.length} matching — pick one…</option>
          {matches.map((row) => (
            <option key={row.id} value={row.id}>
              {row.split} #{row.ordinal + 1}: {row.question.slice(0, 90)}
            </option>
          ))}
        </select>
      </div>
      <textarea
        rows={4}
        value={question.text}
        placeholder="Or type a question"
        onChange={(event) => setQuestion({ ...question, text: event.target.value, questionId: undefined as never })}
        aria-label="Question text"
        data-testid="question-text"
      />
      <div className="form-row">
        <label className="field">
          <span>Gold answer (for grading the outputs)</span>
          <input value={question.gold} onChange={(event) => setQuestion({ ...question, gold: event.target.value })} aria-label="Gold answer" />
        </label>
        {benchmark === 'csqa' && (
          <label className="field grow">
            <span>Choices, one per line (A–E)</span>
            <textarea rows={3} value={question.choices.join('\n')} onChange={(event) => setQuestion({ ...question, choices: event.target.value.split('\n') })} />
          </label>
        )}
      </div>
    </section>
  )
}
