import type { JSX } from 'react'
import { useRunsStore } from '../../stores/useRunsStore'
import { RunRow } from './RunRow'

export function RunList(): JSX.Element {
  const runs = useRunsStore((state) => state.runs)
  const status = useRunsStore((state) => state.status)
  const selectedRunId = useRunsStore((state) => state.selectedRunId)
  const selectRun = useRunsStore((state) => state.selectRun)
  return (
    <section className="card run-list" aria-label="Runs">
      {runs.length === 0 && status !== 'error' && (
        <p className="muted">
          {status === 'ready' ? 'No runs yet.' : 'Loading runs…'} A run expands every question of a dataset split into a G → V → R tree; start one with
          “New run”, or from the command line with <span className="mono">malt generate</span>.
        </p>
      )}
      <ul>
        {runs.map((run) => (
          <RunRow key={run.id} run={run} selected={run.id === selectedRunId} onSelect={() => selectRun(run.id)} />
        ))}
      </ul>
    </section>
  )
}
