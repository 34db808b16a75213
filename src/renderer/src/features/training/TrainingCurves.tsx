import type { JSX } from 'react'
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import type { TrainingMetrics } from '@shared/api/schemas/training'
import { ChartCard } from '../runs/ChartCard'
import { themeColors } from '../runs/themeColors'

/** trl's DPO reward metrics (paper §4.3: margins and accuracies show the preference being learned). */
const rewardSeries = ['rewards/chosen', 'rewards/rejected', 'rewards/margins'] as const

const formatValue = (value: unknown) => (typeof value === 'number' ? formatTick(value) : '—')

/** Short axis labels that still tell close values apart (a DPO loss moves in the 4th decimal at first). */
export function formatTick(value: number): string {
  if (value === 0) return '0'
  if (Math.abs(value) < 0.01) return value.toExponential(1)
  return String(Number(value.toPrecision(5)))
}

/** Rows for recharts: one per logged step, each metric under a key without slashes (recharts reads dots and slashes as paths). */
export function curveRows(metrics: TrainingMetrics, names: readonly string[]): Record<string, number | null>[] {
  return metrics.points.map((point) => {
    const row: Record<string, number | null> = { step: point.step }
    for (const name of names) row[keyOf(name)] = point.values[name] ?? null
    return row
  })
}

const keyOf = (name: string) => name.replace(/\W/g, '_')

/** Loss, and for DPO the rewards and the reward accuracy, by optimizer step. */
export function TrainingCurves(props: { metrics: TrainingMetrics; stage: 'sft' | 'dpo' }): JSX.Element {
  const colors = themeColors()
  const { metrics } = props
  const hasRewards = metrics.names.includes('rewards/margins')
  const lossRows = curveRows(metrics, ['loss', 'eval_loss'])
  // The held-out slice's loss (a job with eval_fraction > 0): the curve that shows when SFT has converged.
  const hasEvalLoss = metrics.names.includes('eval_loss')
  const rewardRows = curveRows(metrics, [...rewardSeries, 'rewards/accuracies'])
  const rewardColors: Record<(typeof rewardSeries)[number], string> = {
    'rewards/chosen': colors.good,
    'rewards/rejected': colors.bad,
    'rewards/margins': colors.accent
  }
  const single = metrics.points.length === 1
  return (
    <div className="training-curves">
      <ChartCard
        title="Loss"
        hint={
          (props.stage === 'dpo' ? 'DPO loss by optimizer step (log 2 ≈ 0.69 at the start)' : 'SFT loss on the completion tokens, by optimizer step') +
          (hasEvalLoss ? '; eval_loss: the same loss on the held-out slice' : '')
        }
        testId="chart-training-loss"
      >
        <ResponsiveContainer width="100%" height={220}>
          <LineChart data={lossRows} margin={{ top: 8, right: 12, bottom: 0, left: -4 }}>
            <CartesianGrid stroke={colors.border} vertical={false} />
            <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} allowDecimals={false} tickLine={false} />
            <YAxis domain={['auto', 'auto']} tickLine={false} width={64} tickFormatter={formatTick} />
            <Tooltip formatter={formatValue} labelFormatter={(step) => `step ${String(step)}`} />
            <Line dataKey="loss" name="loss" stroke={colors.accent} strokeWidth={2} dot={single} isAnimationActive={false} connectNulls />
            {hasEvalLoss && <Line dataKey="eval_loss" name="eval_loss" stroke={colors.verifier} strokeWidth={2} dot isAnimationActive={false} connectNulls />}
            {hasEvalLoss && <Legend iconSize={10} wrapperStyle={{ fontSize: 11 }} />}
          </LineChart>
        </ResponsiveContainer>
      </ChartCard>
      {hasRewards && (
        <ChartCard title="Rewards" hint="β-scaled log-ratio of chosen and rejected to the SFT reference; margins = chosen − rejected" testId="chart-training-rewards">
          <ResponsiveContainer width="100%" height={220}>
            <LineChart data={rewardRows} margin={{ top: 8, right: 12, bottom: 0, left: -4 }}>
              <CartesianGrid stroke={colors.border} vertical={false} />
              <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} allowDecimals={false} tickLine={false} />
              <YAxis domain={['auto', 'auto']} tickLine={false} width={64} tickFormatter={formatTick} />
              <Tooltip formatter={formatValue} labelFormatter={(step) => `step ${String(step)}`} />
              <Legend iconSize={10} wrapperStyle={{ fontSize: 11 }} />
              {rewardSeries.map((name) => (
                <Line key={name} dataKey={keyOf(name)} name={name} stroke={rewardColors[name]} strokeWidth={2} dot={single} isAnimationActive={false} connectNulls />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </ChartCard>
      )}
      {hasRewards && (
        <ChartCard title="Reward accuracy" hint="share of pairs whose chosen reward beats the rejected one" testId="chart-training-accuracy">
          <ResponsiveContainer width="100%" height={220}>
            <LineChart data={rewardRows} margin={{ top: 8, right: 12, bottom: 0, left: -4 }}>
              <CartesianGrid stroke={colors.border} vertical={false} />
              <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} allowDecimals={false} tickLine={false} />
              <YAxis domain={[0, 1]} tickLine={false} width={64} />
              <Tooltip formatter={formatValue} labelFormatter={(step) => `step ${String(step)}`} />
              <Line dataKey={keyOf('rewards/accuracies')} name="rewards/accuracies" stroke={colors.verifier} strokeWidth={2} dot={single} isAnimationActive={false} connectNulls />
            </LineChart>
          </ResponsiveContainer>
        </ChartCard>
      )}
    </div>
  )
}
