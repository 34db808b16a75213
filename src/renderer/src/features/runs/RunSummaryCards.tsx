import type { JSX } from 'react'
import type { RunConfig, RunSummary } from '@shared/api/schemas/runs'
import { formatCount, formatDuration } from '../../format'
import { formatRate } from './formatRuns'
import { nodesPerQuestion } from './newRunForm'
import type { RunProgress } from './runProgress'
import { RunStatusBadge } from './RunStatusBadge'

function StatCard(props: { label: string; value: string; sub: string; testId: string }): JSX.Element {
  return (
    <div className="stat-card" data-testid={props.testId}>
      <span className="stat-label">{props.label}</span>
      <strong className="stat-value">{props.value}</strong>
      <span className="muted">{props.sub}</span>
    </div>
  )
}

/** The run at a glance: how much is done, how fast it goes, and what it was run with. */
export function RunSummaryCards(props: { run: RunSummary; config: RunConfig | null; progress: RunProgress }): JSX.Element {
  const { run, config, progress } = props
  return (
    <div className="run-summary">
      <div className="stat-cards">
        <StatCard
          label="Questions"
          value={`${formatCount(progress.questionsDone)} / ${formatCount(progress.questionCount)}`}
          sub="with a complete tree"
          testId="stat-questions"
        />
        <StatCard
          label="Nodes"
          value={`${formatCount(progress.nodesDone)} / ${formatCount(progress.nodesExpected)}`}
          sub={`${nodesPerQuestion(run.branching)} per question (n = ${run.branching})`}
          testId="stat-nodes"
        />
        <StatCard
          label="Tokens / s"
          value={progress.live ? formatRate(progress.tokensPerSecond, '') : '—'}
          sub={
            progress.live
              ? `${formatRate(progress.nodesPerSecond, 'nodes/s')} · ETA ${progress.etaSeconds === null ? '—' : formatDuration(progress.etaSeconds)}`
              : 'not running'
          }
          testId="stat-speed"
        />
        <div className="stat-card">
          <span className="stat-label">Status</span>
          <span>
            <RunStatusBadge status={run.status} />
          </span>
          <span className="muted">{run.finishedAt ? `finished ${new Date(run.finishedAt).toLocaleString()}` : `created ${new Date(run.createdAt).toLocaleString()}`}</span>
        </div>
      </div>
      {config && (
        <p className="run-config muted" data-testid="run-config">
          T = {config.sampling.temperature} · top-p {config.sampling.topP} · ≤ {formatCount(config.sampling.maxTokens)} tokens · seed {config.seed} · subset
          seed {config.subset.seed} · {config.questionConcurrency} questions in parallel · model <span className="mono">{config.modelPath}</span>
        </p>
      )}
      {run.status === 'failed' && run.error && <p className="run-failure">Failed: {run.error}</p>}
      {run.status === 'paused' && run.error && <p className="run-failure">Paused: {run.error}</p>}
    </div>
  )
}
