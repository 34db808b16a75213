import type { JSX } from 'react'
import type { RunSummary } from '@shared/api/schemas/runs'
import { ErrorMessage } from '../../components/ErrorMessage'
import { ProgressBar } from '../../components/ProgressBar'
import { formatCount, formatDuration } from '../../format'
import { useAppStore } from '../../stores/useAppStore'
import { useRunsStore } from '../../stores/useRunsStore'
import { formatRate } from './formatRuns'
import { canPause, canResume, jobOfRun, progressOf } from './runProgress'
import { RunStatusBadge } from './RunStatusBadge'
import { StageAccuracies } from './StageAccuracies'

/** One run in the list: what it is, how far, how fast, how good so far, and pause/resume. */
export function RunRow(props: { run: RunSummary; selected: boolean; onSelect(): void }): JSX.Element {
  const { run } = props
  const job = useAppStore((state) => jobOfRun(state.jobs, run.id))
  const pending = useRunsStore((state) => state.pending[run.id] ?? false)
  const actionError = useRunsStore((state) => state.actionErrors[run.id])
  const pause = useRunsStore((state) => state.pause)
  const resume = useRunsStore((state) => state.resume)
  const progress = progressOf(run, job)

  return (
    <li className={props.selected ? 'run-row selected' : 'run-row'} data-testid={`run-${run.id}`}>
      <button type="button" className="run-row-main" onClick={props.onSelect} aria-pressed={props.selected}>
        <span className="run-name">
          <strong className="ellipsis" title={run.name}>
            {run.name}
          </strong>
          <span className="muted">
            #{run.id} · {run.datasetName}/{run.split} · n = {run.branching}
          </span>
        </span>
        <RunStatusBadge status={run.status} />
        <span className="run-progress">
          <ProgressBar fraction={progress.fraction} label={`Progress of run ${run.id}`} active={progress.live} />
          <span className="muted" data-testid="run-progress-text">
            {formatCount(progress.nodesDone)}/{formatCount(progress.nodesExpected)} nodes · {formatCount(progress.questionsDone)}/
            {formatCount(progress.questionCount)} questions
          </span>
        </span>
        <span className="run-speed muted">
          {progress.live ? (
            <>
              {formatRate(progress.nodesPerSecond, 'nodes/s')}
              <br />
              ETA {progress.etaSeconds === null ? '—' : formatDuration(progress.etaSeconds)}
            </>
          ) : (
            <span title={run.updatedAt}>{run.finishedAt ? 'finished' : 'updated'} {new Date(run.updatedAt).toLocaleString()}</span>
          )}
        </span>
        <StageAccuracies accuracy={progress.accuracy} />
      </button>
      <span className="run-actions">
        {canPause(run, job) && (
          <button type="button" disabled={pending} onClick={() => void pause(run.id)}>
            Pause
          </button>
        )}
        {canResume(run, job) && (
          <button type="button" disabled={pending} onClick={() => void resume(run.id)}>
            {run.status === 'created' ? 'Start' : 'Resume'}
          </button>
        )}
      </span>
      {(run.status === 'failed' || run.status === 'paused') && run.error && <div className="run-row-error muted">{run.status}: {run.error}</div>}
      {actionError && (
        <div className="run-row-error">
          <ErrorMessage error={actionError} title={`Could not change run ${run.id}`} />
        </div>
      )}
    </li>
  )
}
