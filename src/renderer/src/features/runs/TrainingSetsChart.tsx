import type { JSX } from 'react'
import { Bar, BarChart, CartesianGrid, LabelList, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import type { RunAnalysis } from './chartData'
import { trainingSetRows } from './chartData'
import { ChartCard } from './ChartCard'
import { themeColors } from './themeColors'

/** SFT examples and DPO pairs each role would train on under the current credit setting. */
export function TrainingSetsChart(props: { analysis: RunAnalysis }): JSX.Element {
  const colors = themeColors()
  const rows = trainingSetRows(props.analysis)
  return (
    <ChartCard title="Training data per role" hint="SFT examples (✓ outputs) and DPO pairs (✓ × ✗ siblings)" testId="chart-training-sets">
      <ResponsiveContainer width="100%" height={210}>
        <BarChart data={rows} margin={{ top: 18, right: 8, bottom: 0, left: -12 }}>
          <CartesianGrid vertical={false} stroke={colors.border} />
          <XAxis dataKey="label" tickLine={false} interval={0} />
          <YAxis allowDecimals={false} tickLine={false} />
          <Tooltip />
          <Legend verticalAlign="bottom" height={24} iconSize={10} itemSorter={null} />
          <Bar dataKey="sft" name="SFT examples" fill={colors.accent} isAnimationActive={false} minPointSize={2} maxBarSize={40}>
            <LabelList dataKey="sft" position="top" />
          </Bar>
          <Bar dataKey="pairs" name="DPO pairs" fill={colors.verifier} isAnimationActive={false} minPointSize={2} maxBarSize={40}>
            <LabelList dataKey="pairs" position="top" />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  )
}
