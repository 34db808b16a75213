import type { JSX } from 'react'
import type { RunAnalysis } from './chartData'
import { FlipsChart } from './FlipsChart'
import { PairShareChart } from './PairShareChart'
import { StageAccuracyChart } from './StageAccuracyChart'
import { TrainingSetsChart } from './TrainingSetsChart'

export function RunCharts(props: { analysis: RunAnalysis }): JSX.Element {
  return (
    <div className="run-charts">
      <StageAccuracyChart analysis={props.analysis} />
      <FlipsChart analysis={props.analysis} />
      <TrainingSetsChart analysis={props.analysis} />
      <PairShareChart analysis={props.analysis} />
    </div>
  )
}
