import type { JSX } from 'react'
import { Bar, BarChart, CartesianGrid, LabelList, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import type { RunAnalysis } from './chartData'
import { flipRows } from './chartData'
import { ChartCard } from './ChartCard'
import { themeColors } from './themeColors'

/** Wrong→right against right→wrong per stage, paper Fig. 2 style: what each stage fixes and what it breaks. */
export function FlipsChart(props: { analysis: RunAnalysis }): JSX.Element {
  const colors = themeColors()
  const rows = flipRows(props.analysis)
  return (
    <ChartCard title="Self-correction per stage" hint="answers flipped by verification (g → v) and refinement (g → r), paper Fig. 2" testId="chart-flips">
      <ResponsiveContainer width="100%" height={210}>
        <BarChart data={rows} margin={{ top: 18, right: 8, bottom: 0, left: -12 }}>
          <CartesianGrid vertical={false} stroke={colors.border} />
          <XAxis dataKey="stage" tickLine={false} interval={0} />
          <YAxis allowDecimals={false} tickLine={false} />
          <Tooltip />
          <Legend verticalAlign="bottom" height={24} iconSize={10} itemSorter={null} />
          <Bar dataKey="wrongToRight" name="wrong → right" fill={colors.good} isAnimationActive={false} minPointSize={2} maxBarSize={44}>
            <LabelList dataKey="wrongToRight" position="top" />
          </Bar>
          <Bar dataKey="rightToWrong" name="right → wrong" fill={colors.bad} isAnimationActive={false} minPointSize={2} maxBarSize={44}>
            <LabelList dataKey="rightToWrong" position="top" />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  )
}
