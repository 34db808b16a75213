import type { JSX } from 'react'
import { useEffect, useState } from 'react'
import { ErrorMessage } from '../../components/ErrorMessage'
import { PageHeader } from '../../components/PageHeader'
import { useAppStore } from '../../stores/useAppStore'
import { useRunsStore } from '../../stores/useRunsStore'
import { NewRunForm } from './NewRunForm'
import { RunDetail } from './RunDetail'
import { RunList } from './RunList'

export function RunsPage(): JSX.Element {
  const load = useRunsStore((state) => state.load)
  const status = useRunsStore((state) => state.status)
  const error = useRunsStore((state) => state.error)
  const selected = useRunsStore((state) => state.runs.find((run) => run.id === state.selectedRunId) ?? null)
  const revision = useAppStore((state) => state.revisions.runs ?? 0)
  const [showForm, setShowForm] = useState(false)

  useEffect(() => {
    void load()
  }, [load, revision])

  return (
    <div className="page runs-page">
      <PageHeader
        title="Runs"
        subtitle="Tree-search data generation (Algorithm 1): n generations × n verifications × n refinements per question, credited by value iteration."
        actions={
          <button type="button" className="primary" onClick={() => setShowForm((shown) => !shown)} data-testid="new-run-toggle">
            {showForm ? 'Close' : 'New run'}
          </button>
        }
      />
      {showForm && <NewRunForm onCreated={() => setShowForm(false)} />}
      {status === 'error' && error && <ErrorMessage error={error} title="Could not load runs" />}
      <RunList />
      {selected ? <RunDetail key={selected.id} run={selected} /> : status === 'ready' && <p className="muted">Select a run to see its summary and trees.</p>}
    </div>
  )
}
