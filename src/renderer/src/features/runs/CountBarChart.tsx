import type { JSX } from 'react'
import { Bar, BarChart, CartesianGrid, LabelList, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { themeColors } from './themeColors'

export interface CountBar<Row> {
  dataKey: keyof Row & string
  name: string
  fill: string
}

/** Whole counts side by side per category, each bar labelled with its count (a zero still shows as a sliver). */
export function CountBarChart<Row extends object>(props: { rows: Row[]; categoryKey: keyof Row & string; bars: CountBar<Row>[]; height: number; maxBarSize: number }): JSX.Element {
  const colors = themeColors()
  // Plain strings for recharts: its typed data keys cannot be checked against a Row that is still generic here.
  const categoryKey: string = props.categoryKey
  return (
    <ResponsiveContainer width="100%" height={props.height}>
      <BarChart data={props.rows} margin={{ top: 18, right: 8, bottom: 0, left: -12 }}>
        <CartesianGrid vertical={false} stroke={colors.border} />
        <XAxis dataKey={categoryKey} tickLine={false} interval={0} />
        <YAxis allowDecimals={false} tickLine={false} />
        <Tooltip />
        <Legend verticalAlign="bottom" height={24} iconSize={10} itemSorter={null} />
        {props.bars.map(({ dataKey, name, fill }: { dataKey: string; name: string; fill: string }) => (
          <Bar key={dataKey} dataKey={dataKey} name={name} fill={fill} isAnimationActive={false} minPointSize={2} maxBarSize={props.maxBarSize}>
            <LabelList dataKey={dataKey} position="top" />
          </Bar>
        ))}
      </BarChart>
    </ResponsiveContainer>
  )
}

export interface StageFlipRow {
  stage: string
  wrongToRight: number
  rightToWrong: number
}

/** Wrong → right against right → wrong per stage (paper Fig. 2), for a run's tree and for an evaluation alike. */
export function StageFlipsBarChart(props: { rows: StageFlipRow[]; height: number }): JSX.Element {
  const colors = themeColors()
  return (
    <CountBarChart
      rows={props.rows}
      categoryKey="stage"
      bars={[
        { dataKey: 'wrongToRight', name: 'wrong → right', fill: colors.good },
        { dataKey: 'rightToWrong', name: 'right → wrong', fill: colors.bad }
      ]}
      height={props.height}
      maxBarSize={44}
    />
  )
}
