import type { JSX } from 'react'
import type { RunAnalysis } from './chartData'
import { trainingSetRows } from './chartData'
import { ChartCard } from './ChartCard'
import { CountBarChart } from './CountBarChart'
import { themeColors } from './themeColors'

/** SFT examples and DPO pairs each role would train on under the current credit setting. */
export function TrainingSetsChart(props: { analysis: RunAnalysis }): JSX.Element {
  const colors = themeColors()
  return (
    <ChartCard title="Training data per role" hint="SFT examples (✓ outputs) and DPO pairs (✓ × ✗ siblings)" testId="chart-training-sets">
      <CountBarChart
        rows={trainingSetRows(props.analysis)}
        categoryKey="label"
        bars={[
          { dataKey: 'sft', name: 'SFT examples', fill: colors.accent },
          { dataKey: 'pairs', name: 'DPO pairs', fill: colors.verifier }
        ]}
        height={210}
        maxBarSize={40}
      />
    </ChartCard>
  )
}
