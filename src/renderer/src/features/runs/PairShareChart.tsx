import type { JSX } from 'react'
import { Bar, BarChart, CartesianGrid, LabelList, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import type { RunAnalysis } from './chartData'
import { trainingSetRows } from './chartData'
import { ChartCard } from './ChartCard'
import { formatPercent } from './formatRuns'
import { themeColors } from './themeColors'

const percentLabel = (value: unknown) => (typeof value === 'number' ? `${value.toFixed(1)}%` : '—')

/** How many questions yield any pair at all, overall and per role: too few means θ or n leaves data unused. */
export function PairShareChart(props: { analysis: RunAnalysis }): JSX.Element {
  const colors = themeColors()
  const sets = props.analysis.trainingSets
  const rows = trainingSetRows(props.analysis).map((row) => ({ ...row, fill: colors[row.role] }))
  return (
    <ChartCard title="Questions with pairs" hint={`share of ${sets.questions} questions yielding ≥ 1 pair`} testId="chart-pair-share">
      <div className="pair-share-total" data-testid="pair-share">
        <strong>{formatPercent(sets.shareOfQuestionsWithPairs)}</strong>
        <span className="muted">of questions give at least one pair of any role</span>
      </div>
      <ResponsiveContainer width="100%" height={150}>
        <BarChart data={rows} layout="vertical" margin={{ top: 0, right: 52, bottom: 0, left: 0 }}>
          <CartesianGrid horizontal={false} stroke={colors.border} />
          <XAxis type="number" domain={[0, 100]} unit="%" tickLine={false} />
          <YAxis type="category" dataKey="label" width={70} tickLine={false} />
          <Tooltip formatter={percentLabel} />
          <Bar dataKey="questionsWithPairs" name="questions with pairs" isAnimationActive={false} minPointSize={2} maxBarSize={22}>
            <LabelList dataKey="questionsWithPairs" position="right" formatter={percentLabel} />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  )
}
