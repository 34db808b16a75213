import type { JSX } from 'react'
import type { RunAnalysis } from './chartData'
import { flipRows } from './chartData'
import { ChartCard } from './ChartCard'
import { StageFlipsBarChart } from './CountBarChart'

/** Wrong→right against right→wrong per stage, paper Fig. 2 style: what each stage fixes and what it breaks. */
export function FlipsChart(props: { analysis: RunAnalysis }): JSX.Element {
  return (
    <ChartCard title="Self-correction per stage" hint="answers flipped by verification (g → v) and refinement (g → r), paper Fig. 2" testId="chart-flips">
      <StageFlipsBarChart rows={flipRows(props.analysis)} height={210} />
    </ChartCard>
  )
}
