import type { JSX } from 'react'
import { useEffect, useState } from 'react'
import type { TrainingJobView, TrainingPlanView } from '@shared/api/schemas/training'
import { ErrorMessage } from '../../components/ErrorMessage'
import { PageHeader } from '../../components/PageHeader'
import { ProgressBar } from '../../components/ProgressBar'
import { workbench } from '../../api/workbench'
import { useAppStore } from '../../stores/useAppStore'
import { useTrainingStore } from '../../stores/useTrainingStore'
import { formatDuration } from './formatTraining'
import { QueueTrainingForm } from './QueueTrainingForm'
import { TrainingJobDetail } from './TrainingJobDetail'

/** Training (paper §4.3): a queue of per-role SFT/DPO jobs and preset plans, live curves, logs and adapters. */
export function TrainingPage(): JSX.Element {
  const load = useTrainingStore((state) => state.load)
  const loadMetrics = useTrainingStore((state) => state.loadMetrics)
  const status = useTrainingStore((state) => state.status)
  const error = useTrainingStore((state) => state.error)
  const actionError = useTrainingStore((state) => state.actionError)
  const selected = useTrainingStore((state) => state.jobs.find((job) => job.id === state.selectedJobId) ?? null)
  const revision = useAppStore((state) => `${state.revisions.training ?? 0}:${state.revisions.adapters ?? 0}`)
  const hasJobs = useTrainingStore((state) => state.jobs.length > 0)
  const [formToggled, setFormToggled] = useState<boolean | null>(null)
  // Open while there is nothing to look at, else on demand.
  const showForm = formToggled ?? (status === 'ready' && !hasJobs)

  useEffect(() => {
    void load().then(() => loadMetrics())
  }, [load, loadMetrics, revision])
  useEffect(() => workbench.events.subscribe((event) => useTrainingStore.getState().applyEvent(event)), [])

  return (
    <div className="page training-page">
      <PageHeader
        title="Training"
        subtitle="Per-role LoRA SFT on the positives, then DPO for the verifier and the refiner (β = 0.2) from their SFT adapters, through the bundled Python runner."
        actions={
          <button type="button" className="primary" onClick={() => setFormToggled(!showForm)} data-testid="training-form-toggle">
            {showForm ? 'Close' : 'Queue training'}
          </button>
        }
      />
      {showForm && <QueueTrainingForm />}
      {status === 'error' && error && <ErrorMessage error={error} title="Could not load training jobs" />}
      {actionError && <ErrorMessage error={actionError} title="Could not do that" />}
      <TrainingJobList />
      {selected ? <TrainingJobDetail key={selected.id} job={selected} /> : status === 'ready' && <p className="muted">Queue a job to see its curves and log here.</p>}
      <AdapterList />
    </div>
  )
}

function TrainingStatusBadge(props: { status: string }): JSX.Element {
  return <span className={`run-status run-status-${props.status}`}>{props.status}</span>
}

/** Jobs, newest first; a plan's steps are grouped under it. */
function TrainingJobList(): JSX.Element {
  const jobs = useTrainingStore((state) => state.jobs)
  const plans = useTrainingStore((state) => state.plans)
  const status = useTrainingStore((state) => state.status)
  const planById = new Map(plans.map((plan) => [plan.id, plan]))
  const shownPlans = new Set<number>()
  const rows: JSX.Element[] = []
  for (const job of jobs) {
    if (job.planId === null) {
      rows.push(<TrainingJobRow key={`job-${job.id}`} job={job} />)
      continue
    }
    if (shownPlans.has(job.planId)) continue
    shownPlans.add(job.planId)
    const plan = planById.get(job.planId)
    if (plan) rows.push(<TrainingPlanRows key={`plan-${plan.id}`} plan={plan} />)
  }
  return (
    <section className="card training-jobs" aria-label="Training jobs">
      <h2>Jobs</h2>
      {jobs.length === 0 && (
        <p className="muted">
          {status === 'ready' ? 'No training jobs yet.' : 'Loading…'} Queue one above, or from the command line with{' '}
          <span className="mono">malt train --run ID --role verifier --stage sft</span>.
        </p>
      )}
      <ul>{rows}</ul>
    </section>
  )
}

function TrainingPlanRows(props: { plan: TrainingPlanView }): JSX.Element {
  const { plan } = props
  const { cancel, start } = useTrainingStore()
  const unfinished = plan.jobs.some((job) => ['created', 'queued', 'running'].includes(job.status))
  const restartable = plan.jobs.some((job) => ['created', 'failed', 'cancelled', 'skipped'].includes(job.status))
  return (
    <li className="training-plan" data-testid={`training-plan-${plan.id}`}>
      <div className="training-plan-head">
        <strong>
          Plan {plan.id}: {plan.preset.toUpperCase()}
        </strong>
        <span className="muted">
          run {plan.runId ?? '—'} · {plan.continueOnFailure ? 'continues past a failed step' : 'stops at a failure'}
        </span>
        <TrainingStatusBadge status={plan.status} />
        <span className="spacer" />
        {unfinished && (
          <button type="button" onClick={() => void cancel({ planId: plan.id })}>
            Cancel plan
          </button>
        )}
        {!unfinished && restartable && (
          <button type="button" onClick={() => void start({ planId: plan.id })}>
            Run unfinished steps
          </button>
        )}
      </div>
      <ul>
        {plan.jobs.map((job) => (
          <TrainingJobRow key={job.id} job={job} inPlan />
        ))}
      </ul>
    </li>
  )
}

function TrainingJobRow(props: { job: TrainingJobView; inPlan?: boolean }): JSX.Element {
  const { job } = props
  const selected = useTrainingStore((state) => state.selectedJobId === job.id)
  const { selectJob, cancel, start } = useTrainingStore()
  // While it runs here, the JobManager snapshot has the live step, rate and ETA; the store has the last stored step.
  const live = useAppStore((state) => (job.jobId ? (state.jobs[job.jobId] ?? null) : null))
  const running = job.status === 'running'
  const step = running && live ? live.done : (job.step ?? 0)
  const total = running && live ? (live.total ?? job.totalSteps) : job.totalSteps
  const loss = running && live && typeof live.detail.loss === 'number' ? live.detail.loss : job.loss
  return (
    <li className={selected ? 'training-row selected' : 'training-row'} data-testid={`training-job-${job.id}`}>
      <button type="button" className="training-row-main" onClick={() => selectJob(job.id)}>
        <span className="training-row-name">
          <strong>
            #{job.id} {job.role} {job.stage.toUpperCase()}
          </strong>
          <span className="muted ellipsis">
            {props.inPlan ? `step ${job.planOrder + 1} · ` : ''}
            {job.runName ?? `run ${job.runId ?? '—'}`} · {job.trainExamples ?? 0} {job.stage === 'sft' ? 'examples' : 'pairs'}
          </span>
        </span>
        <TrainingStatusBadge status={job.status} />
        <span className="training-row-progress">
          <ProgressBar fraction={total ? step / total : job.status === 'completed' ? 1 : 0} label={`job ${job.id} steps`} active={running} />
          <span className="muted">
            {total ? `${step}/${total} steps` : running ? 'loading the model…' : '—'}
            {running && live?.etaSeconds != null ? ` · ETA ${formatDuration(live.etaSeconds)}` : ''}
          </span>
        </span>
        <span className="training-row-loss">{loss === null || loss === undefined ? <span className="muted">loss —</span> : `loss ${loss.toFixed(4)}`}</span>
      </button>
      <span className="run-actions">
        {['queued', 'running', 'created'].includes(job.status) && (
          <button type="button" onClick={() => void cancel({ jobId: job.id })} data-testid={`training-cancel-${job.id}`}>
            Cancel
          </button>
        )}
        {['failed', 'cancelled', 'skipped', 'created'].includes(job.status) && (
          <button type="button" onClick={() => void start({ jobId: job.id })} data-testid={`training-start-${job.id}`}>
            {job.status === 'created' ? 'Start' : 'Start again'}
          </button>
        )}
      </span>
      {job.error && job.status !== 'completed' && <div className="training-row-error muted ellipsis">{job.error.split('\n')[0]}</div>}
    </li>
  )
}

/** Registered adapters by role; each is a GGUF LoRA any role agent can load (none is always available). */
function AdapterList(): JSX.Element {
  const adapters = useTrainingStore((state) => state.adapters)
  return (
    <section className="card" aria-label="Adapters">
      <h2>Adapters by role</h2>
      <div className="training-adapters">
        {(['generator', 'verifier', 'refiner'] as const).map((role) => {
          const mine = adapters.filter((adapter) => adapter.role === role)
          return (
            <div key={role} className={`training-adapter-role role-${role}`}>
              <h3>{role}</h3>
              <ul>
                <li className="muted">none (the base model)</li>
                {mine.map((adapter) => (
                  <li key={adapter.id} data-testid={`adapter-${adapter.id}`}>
                    <strong>
                      #{adapter.id} {adapter.stage?.toUpperCase() ?? ''}
                    </strong>{' '}
                    <span className="muted">
                      run {adapter.runId ?? '—'} · job {adapter.trainingJobId ?? '—'}
                    </span>
                    {!adapter.exists && <span className="tag tag-bad">file missing</span>}
                    <div className="mono ellipsis" title={adapter.ggufPath}>
                      {adapter.ggufPath}
                    </div>
                  </li>
                ))}
              </ul>
            </div>
          )
        })}
      </div>
    </section>
  )
}
