import type { JSX } from 'react'
import { useEffect, useState } from 'react'
import { ErrorMessage } from '../../components/ErrorMessage'
import { PageHeader } from '../../components/PageHeader'
import { useAppStore } from '../../stores/useAppStore'
import { useEvaluationsStore } from '../../stores/useEvaluationsStore'
import { EvaluationDetail } from './EvaluationDetail'
import { EvaluationList } from './EvaluationList'
import { NewEvaluationForm } from './NewEvaluationForm'

export function EvaluationPage(): JSX.Element {
  const load = useEvaluationsStore((state) => state.load)
  const status = useEvaluationsStore((state) => state.status)
  const error = useEvaluationsStore((state) => state.error)
  const selected = useEvaluationsStore((state) => state.evaluations.find((evaluation) => evaluation.id === state.selectedId) ?? null)
  const revision = useAppStore((state) => state.revisions.evaluations ?? 0)
  const [showForm, setShowForm] = useState(false)

  useEffect(() => {
    void load()
  }, [load, revision])

  return (
    <div className="page evaluation-page">
      <PageHeader
        title="Evaluation"
        subtitle="The paper's baselines, MALT and the ablations on seeded random test subsets, as mean ± std over seeds (§5)."
        actions={
          <button type="button" className="primary" onClick={() => setShowForm((shown) => !shown)} data-testid="new-eval-toggle">
            {showForm ? 'Close' : 'New evaluation'}
          </button>
        }
      />
      {showForm && <NewEvaluationForm onCreated={() => setShowForm(false)} />}
      {status === 'error' && error && <ErrorMessage error={error} title="Could not load evaluations" />}
      <EvaluationList />
      {selected ? (
        <EvaluationDetail key={selected.id} evaluation={selected} />
      ) : (
        status === 'ready' && <p className="muted">Select an evaluation to see its table, charts and items.</p>
      )}
    </div>
  )
}
