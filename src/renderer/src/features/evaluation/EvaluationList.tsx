import type { JSX } from 'react'
import type { EvaluationView } from '@shared/api/schemas/evaluations'
import { ErrorMessage } from '../../components/ErrorMessage'
import { ProgressBar } from '../../components/ProgressBar'
import { formatCount, formatDuration } from '../../format'
import { useAppStore } from '../../stores/useAppStore'
import { useEvaluationsStore } from '../../stores/useEvaluationsStore'
import { canPauseEvaluation, canRemoveEvaluation, canResumeEvaluation, jobOfEvaluation, progressOfEvaluation, runningElsewhere } from './evaluationProgress'

export function EvaluationList(): JSX.Element {
  const evaluations = useEvaluationsStore((state) => state.evaluations)
  const status = useEvaluationsStore((state) => state.status)
  const selectedId = useEvaluationsStore((state) => state.selectedId)
  const select = useEvaluationsStore((state) => state.select)
  return (
    <section className="card run-list" aria-label="Evaluations">
      {evaluations.length === 0 && status !== 'error' && (
        <p className="muted">
          {status === 'ready' ? 'No evaluations yet.' : 'Loading evaluations…'} An evaluation runs configurations (SA, MA, MALT, …) on seeded random test
          subsets; start one with “New evaluation”, or from the command line with <span className="mono">malt eval</span>.
        </p>
      )}
      <ul>
        {evaluations.map((evaluation) => (
          <EvaluationRow key={evaluation.id} evaluation={evaluation} selected={evaluation.id === selectedId} onSelect={() => select(evaluation.id)} />
        ))}
      </ul>
    </section>
  )
}

/** One evaluation: what it is, how far, how fast, running accuracies, and pause/resume/remove. */
function EvaluationRow(props: { evaluation: EvaluationView; selected: boolean; onSelect(): void }): JSX.Element {
  const { evaluation } = props
  const job = useAppStore((state) => jobOfEvaluation(state.jobs, evaluation.id))
  const pending = useEvaluationsStore((state) => state.pending[evaluation.id] ?? false)
  const actionError = useEvaluationsStore((state) => state.actionErrors[evaluation.id])
  const pause = useEvaluationsStore((state) => state.pause)
  const resume = useEvaluationsStore((state) => state.resume)
  const remove = useEvaluationsStore((state) => state.remove)
  const progress = progressOfEvaluation(evaluation, job)
  const running = canPauseEvaluation(evaluation, job)
  const shownAccuracies = Object.entries(progress.accuracies).filter(([, accuracy]) => accuracy !== null).slice(0, 3)

  return (
    <li className={props.selected ? 'run-row selected' : 'run-row'} data-testid={`evaluation-${evaluation.id}`}>
      <button type="button" className="run-row-main eval-row-main" onClick={props.onSelect} aria-pressed={props.selected}>
        <span className="run-name">
          <strong className="ellipsis" title={evaluation.name}>
            {evaluation.name}
          </strong>
          <span className="muted ellipsis">
            #{evaluation.id} · {evaluation.datasetName}/{evaluation.split} · {evaluation.seeds.length} seed{evaluation.seeds.length === 1 ? '' : 's'} × {evaluation.subsetSize}
          </span>
        </span>
        <span className={`run-status run-status-${evaluation.status}`}>{evaluation.status}</span>
        <span className="run-progress">
          <ProgressBar fraction={progress.fraction} label={`Progress of evaluation ${evaluation.id}`} active={progress.live} />
          <span className="muted" data-testid="evaluation-progress-text">
            {formatCount(progress.unitsDone)}/{formatCount(progress.unitCount)} units · {formatCount(progress.itemsDone)}/{formatCount(progress.itemCount)} items
          </span>
        </span>
        <span className="run-speed muted" data-testid="evaluation-speed">
          {progress.live ? (
            <>
              {progress.unitsPerSecond === null ? '—' : `${progress.unitsPerSecond.toFixed(2)} units/s`}
              <br />
              ETA {progress.etaSeconds === null ? '—' : formatDuration(progress.etaSeconds)}
            </>
          ) : runningElsewhere(evaluation, job) ? (
            <span title="stored as running with no job in this window: another process (malt eval) is computing it">running in another process</span>
          ) : (
            <span title={evaluation.updatedAt}>
              {evaluation.finishedAt ? 'finished' : 'updated'} {new Date(evaluation.updatedAt).toLocaleString()}
            </span>
          )}
        </span>
        <span className="eval-running-accuracy muted">
          {shownAccuracies.map(([id, accuracy]) => (
            <span key={id}>
              {id} {(accuracy! * 100).toFixed(0)}%
            </span>
          ))}
        </span>
      </button>
      <span className="run-actions eval-actions">
        {running && (
          <button type="button" disabled={pending} onClick={() => void pause(evaluation.id)}>
            Pause
          </button>
        )}
        {canResumeEvaluation(evaluation, job) && (
          <button type="button" disabled={pending} onClick={() => void resume(evaluation.id)}>
            {evaluation.status === 'created' ? 'Start' : 'Resume'}
          </button>
        )}
        {canRemoveEvaluation(evaluation, job) && (
          <button
            type="button"
            className="danger"
            disabled={pending}
            title="Delete this evaluation and its stored outputs"
            onClick={() => {
              if (window.confirm(`Delete evaluation ${evaluation.id} (${evaluation.name}) and its ${evaluation.storedUnits} stored outputs?`)) void remove(evaluation.id)
            }}
          >
            Remove
          </button>
        )}
      </span>
      {(evaluation.status === 'failed' || evaluation.status === 'paused') && evaluation.error && <div className="run-row-error muted">{evaluation.status}: {evaluation.error}</div>}
      {actionError && (
        <div className="run-row-error">
          <ErrorMessage error={actionError} title={`Could not change evaluation ${evaluation.id}`} />
        </div>
      )}
    </li>
  )
}
