import type { JSX } from 'react'
import { useEffect, useState } from 'react'
import type { TrainingJobView } from '@shared/api/schemas/training'
import { ErrorMessage } from '../../components/ErrorMessage'
import { workbench } from '../../api/workbench'
import { useAppStore } from '../../stores/useAppStore'
import { useTrainingStore } from '../../stores/useTrainingStore'
import { useLoaded } from '../runs/useLoaded'
import { describeDataFit, describePlan } from '@shared/training/describeTrainingFacts'
import { formatDuration } from './formatTraining'
import { TrainingCurves } from './TrainingCurves'

/** How often a running job's log tail is re-read. */
const logRefreshMs = 3000

/** One job: its curves (live while it runs, stored afterwards), facts, error, log tail and adapter. */
export function TrainingJobDetail(props: { job: TrainingJobView }): JSX.Element {
  const { job } = props
  const metrics = useTrainingStore((state) => (state.metrics?.jobId === job.id ? state.metrics : null))
  const revision = useAppStore((state) => state.revisions.training ?? 0)
  const [tick, setTick] = useState(0)
  useEffect(() => {
    if (job.status !== 'running') return
    const timer = setInterval(() => setTick((value) => value + 1), logRefreshMs)
    return () => clearInterval(timer)
  }, [job.status])
  const detail = useLoaded(`${job.id}:${job.status}:${revision}:${tick}`, () => workbench.training.get({ jobId: job.id }))
  const data = detail.data?.id === job.id ? detail.data : null
  const started = job.started
  const result = job.result

  return (
    <section className="training-detail" aria-label={`Training job ${job.id}`} data-testid="training-detail">
      <div className="card">
        <h2>
          Job {job.id}: {job.role} {job.stage.toUpperCase()} <span className={`run-status run-status-${job.status}`}>{job.status}</span>
        </h2>
        <dl className="facts training-facts">
          <dt>Data</dt>
          <dd>
            {job.runName ?? `run ${job.runId ?? '—'}`}: {job.trainExamples ?? 0} {job.stage === 'sft' ? 'examples' : 'pairs'}
            {job.dependsOnJobId !== null ? ` · starts from job ${job.dependsOnJobId}’s SFT adapter` : ''}
          </dd>
          <dt>Base model</dt>
          <dd className="mono">{job.baseModelPath}</dd>
          {started && (
            <>
              <dt>Device</dt>
              <dd>
                {started.deviceName} ({started.device}, {started.dtype}) · LoRA r {started.loraRank}, α {started.loraAlpha}
              </dd>
            </>
          )}
          {data && (
            <>
              <dt>Settings</dt>
              <dd>
                batch {data.options.batchSize} × {data.options.gradientAccumulationSteps}, lr {String(data.config.learning_rate ?? '—')},{' '}
                {data.options.maxSteps ? `${data.options.maxSteps} steps` : `${data.options.epochs} epoch${data.options.epochs > 1 ? 's' : ''}`}, max length{' '}
                {data.options.maxLength}
                {job.stage === 'dpo' ? `, β ${data.options.beta}` : ''}
              </dd>
            </>
          )}
          {job.data && (
            <>
              <dt>Fitting</dt>
              <dd data-testid="training-data-fit" className={job.data.dropped > 0 || job.data.promptsTruncated > 0 ? 'warning' : undefined}>
                {describeDataFit(job.data)}
                {job.data.evalExamples > 0 ? ` · ${job.data.evalExamples} held out for eval_loss` : ''}
              </dd>
            </>
          )}
          {job.plan && (
            <>
              <dt>Execution</dt>
              <dd data-testid="training-plan">{describePlan(job.plan)}</dd>
            </>
          )}
          {result && (
            <>
              <dt>Result</dt>
              <dd>
                {result.steps} steps in {formatDuration(result.trainRuntimeSeconds)}
                {result.tokensPerSecond !== null ? ` · ${Math.round(result.tokensPerSecond)} tokens/s` : ''}
                {result.outsideFwdBwdFraction !== null ? ` · ${(100 * result.outsideFwdBwdFraction).toFixed(0)}% of step time outside forward/backward` : ''}
                {result.trainLoss !== null ? ` · mean loss ${result.trainLoss.toFixed(4)}` : ''}
                {typeof result.mfu === 'number' ? ` · MFU ${(100 * result.mfu).toFixed(1)}%` : ''}
                {typeof result.bestEvalLoss === 'number'
                  ? ` · best eval_loss ${result.bestEvalLoss.toFixed(4)} at step ${result.bestStep ?? '—'}${result.stoppedEarly ? ' (stopped early; that adapter was kept)' : ''}`
                  : ''}
              </dd>
            </>
          )}
          {data?.adapter && (
            <>
              <dt>Adapter</dt>
              <dd className="mono" data-testid="training-adapter-path">
                {data.adapter.ggufPath}
              </dd>
            </>
          )}
        </dl>
        {job.error && <ErrorMessage error={job.error} title={job.status === 'skipped' ? 'Skipped' : job.status === 'cancelled' ? 'Cancelled' : 'Failed'} />}
      </div>
      {metrics && metrics.points.length > 0 ? (
        <TrainingCurves metrics={metrics} stage={job.stage} />
      ) : (
        <p className="muted">{job.status === 'running' || job.status === 'queued' ? 'The curves appear with the first logged step.' : 'No logged steps.'}</p>
      )}
      <div className="card">
        <h2>
          Log <span className="muted mono training-log-path">{data?.logPath ?? ''}</span>
        </h2>
        <pre className="mono training-log" data-testid="training-log">
          {data ? data.logTail || '(empty)' : 'Loading…'}
        </pre>
      </div>
    </section>
  )
}
