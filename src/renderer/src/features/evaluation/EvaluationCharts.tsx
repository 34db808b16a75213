import type { JSX, ReactElement } from 'react'
import { useState } from 'react'
import { Bar, BarChart, CartesianGrid, ErrorBar, LabelList, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import type { EvaluationResults } from '@shared/api/schemas/evaluations'
import { ChartCard } from '../runs/ChartCard'
import { StageFlipsBarChart } from '../runs/CountBarChart'
import { themeColors } from '../runs/themeColors'
import { ablationBars, flipRowsOf, seriesColors, turnAccuracyRows, turnConfigurations, votesRows, votingConfigurations } from './evalChartData'

const percent = (value: unknown) => (typeof value === 'number' ? `${value.toFixed(1)}%` : '—')

/** The paper's figures for one evaluation: accuracy per turn (Fig. 3), flips per stage (Fig. 2), votes, ablations. */
export function EvaluationCharts(props: { results: EvaluationResults }): JSX.Element {
  return (
    <div className="run-charts eval-charts" data-testid="evaluation-charts">
      <TurnAccuracyChart results={props.results} />
      <FlipsPerStageChart results={props.results} />
      <VotesChart results={props.results} />
      <AblationChart results={props.results} />
    </div>
  )
}

function EmptyChart(props: { text: string }): JSX.Element {
  return <p className="chart-empty muted">{props.text}</p>
}

/**
 * One accuracy line per configuration on a 0–100 % axis. `xAxis` is an `<XAxis>` element itself, not a component
 * wrapping one: the chart finds its axes among its direct children.
 */
function ConfigurationAccuracyLines(props: {
  rows: object[]
  configurations: { id: string; label: string }[]
  xAxis: ReactElement
  tooltipLabel?: (label: unknown) => string
}): JSX.Element {
  const colors = themeColors()
  return (
    <ResponsiveContainer width="100%" height={230}>
      <LineChart data={props.rows} margin={{ top: 12, right: 12, bottom: 0, left: -12 }}>
        <CartesianGrid vertical={false} stroke={colors.border} />
        {props.xAxis}
        <YAxis domain={[0, 100]} unit="%" tickLine={false} />
        <Tooltip formatter={percent} labelFormatter={props.tooltipLabel} />
        <Legend verticalAlign="bottom" height={36} iconSize={10} itemSorter={null} />
        {props.configurations.map((configuration, index) => (
          <Line
            key={configuration.id}
            dataKey={configuration.id}
            name={configuration.label}
            stroke={seriesColors[index % seriesColors.length]}
            strokeWidth={2}
            dot={{ r: 3 }}
            connectNulls
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ResponsiveContainer>
  )
}

function TurnAccuracyChart(props: { results: EvaluationResults }): JSX.Element {
  const configurations = turnConfigurations(props.results)
  const rows = turnAccuracyRows(configurations)
  return (
    <ChartCard title="Accuracy per turn" hint="voted answer after G → V → R (debate: per round), paper Fig. 3" testId="chart-turn-accuracy">
      {configurations.length === 0 ? (
        <EmptyChart text="No multi-turn configuration (MA, MALT, debate, …) in this evaluation." />
      ) : (
        <ConfigurationAccuracyLines rows={rows} configurations={configurations} xAxis={<XAxis dataKey="turn" tickLine={false} interval={0} />} />
      )}
    </ChartCard>
  )
}

function FlipsPerStageChart(props: { results: EvaluationResults }): JSX.Element {
  const configurations = props.results.configurations.filter((configuration) => configuration.flips.length > 0)
  const preferred = configurations.find((configuration) => configuration.id === 'malt') ?? configurations[0]
  const [chosenId, setChosenId] = useState<string | null>(null)
  const configuration = configurations.find((candidate) => candidate.id === chosenId) ?? preferred
  const rows = configuration ? flipRowsOf(configuration) : []
  return (
    <ChartCard title="Self-correction per stage" hint="answers flipped wrong → right vs right → wrong by each turn, paper Fig. 2" testId="chart-eval-flips">
      {!configuration ? (
        <EmptyChart text="No configuration with more than one turn." />
      ) : (
        <>
          <select className="chart-select" value={configuration.id} onChange={(event) => setChosenId(event.target.value)} aria-label="Configuration of the flips chart">
            {configurations.map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                {candidate.label}
              </option>
            ))}
          </select>
          <StageFlipsBarChart rows={rows} height={200} />
        </>
      )}
    </ChartCard>
  )
}

function VotesChart(props: { results: EvaluationResults }): JSX.Element {
  const configurations = votingConfigurations(props.results)
  const rows = votesRows(configurations)
  return (
    <ChartCard title="Accuracy vs number of votes" hint="majority over the first k passes, k = 1 … K" testId="chart-votes">
      {configurations.length === 0 ? (
        <EmptyChart text="No voting configuration (MV@k with k > 1) in this evaluation." />
      ) : (
        <ConfigurationAccuracyLines
          rows={rows}
          configurations={configurations}
          xAxis={<XAxis dataKey="votes" tickLine={false} allowDecimals={false} label={{ value: 'votes k', position: 'insideBottomRight', offset: -2, fontSize: 11 }} />}
          tooltipLabel={(k) => `MV@${String(k)}`}
        />
      )}
    </ChartCard>
  )
}

function AblationChart(props: { results: EvaluationResults }): JSX.Element {
  const colors = themeColors()
  const { bars, ablations } = ablationBars(props.results)
  return (
    <ChartCard
      title={ablations ? 'Ablations' : 'Configurations'}
      hint={ablations ? 'one untrained agent (Table 4) and ablated pipelines (Table 5) against MALT, ± std' : 'mean accuracy ± std over seeds (no ablation preset in this evaluation)'}
      testId="chart-ablations"
    >
      <ResponsiveContainer width="100%" height={230}>
        <BarChart data={bars} margin={{ top: 18, right: 8, bottom: 0, left: -12 }}>
          <CartesianGrid vertical={false} stroke={colors.border} />
          <XAxis dataKey="label" tickLine={false} interval={0} angle={bars.length > 4 ? -30 : 0} textAnchor={bars.length > 4 ? 'end' : 'middle'} height={bars.length > 4 ? 62 : 30} />
          {/* Fixed ticks: a mean + std above 100 must not stretch the axis to odd numbers. */}
          <YAxis domain={[0, 100]} ticks={[0, 25, 50, 75, 100]} allowDataOverflow unit="%" tickLine={false} />
          <Tooltip formatter={percent} />
          <Bar dataKey="mean" name="accuracy" fill={colors.accent} isAnimationActive={false} minPointSize={2} maxBarSize={44}>
            <ErrorBar dataKey="error" width={6} stroke={colors.muted} isAnimationActive={false} />
            {/* Inside the bar: above it the error bar would cross the number. */}
            <LabelList dataKey="mean" position="insideTop" offset={8} fill="#ffffff" formatter={percent} />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  )
}
