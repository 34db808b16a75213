import type { JSX } from 'react'
import { Bar, BarChart, CartesianGrid, LabelList, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import type { RunAnalysis } from './chartData'
import { stageAccuracyRows } from './chartData'
import { ChartCard } from './ChartCard'
import { themeColors } from './themeColors'

const percentLabel = (value: unknown) => (typeof value === 'number' ? `${value.toFixed(1)}%` : '—')

/** Accuracy of the outputs of each stage, G → V → R (the turn-wise view of paper Fig. 3). */
export function StageAccuracyChart(props: { analysis: RunAnalysis }): JSX.Element {
  const colors = themeColors()
  const rows = stageAccuracyRows(props.analysis).map((row) => ({ ...row, fill: colors[row.role] }))
  return (
    <ChartCard title="Accuracy per stage" hint="share of right answers: G → V (verifiers stating one) → R" testId="chart-stage-accuracy">
      <ResponsiveContainer width="100%" height={210}>
        <BarChart data={rows} margin={{ top: 18, right: 8, bottom: 0, left: -12 }}>
          <CartesianGrid vertical={false} stroke={colors.border} />
          <XAxis dataKey="stage" tickLine={false} />
          <YAxis domain={[0, 100]} unit="%" tickLine={false} />
          <Tooltip formatter={percentLabel} />
          <Bar dataKey="accuracy" name="accuracy" isAnimationActive={false} minPointSize={2} maxBarSize={56}>
            <LabelList dataKey="accuracy" position="top" formatter={percentLabel} />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
      {rows.some((row) => row.accuracy === null) && (
        <p className="chart-note muted">
          No graded output yet for {rows.filter((row) => row.accuracy === null).map((row) => row.stage).join(', ')}
          {rows.find((row) => row.role === 'verifier')?.accuracy === null ? ' (no verifier stated an answer)' : ''}.
        </p>
      )}
    </ChartCard>
  )
}
