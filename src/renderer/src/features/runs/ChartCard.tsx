import type { JSX, ReactNode } from 'react'

/** A titled chart with a one-line reading hint. */
export function ChartCard(props: { title: string; hint: string; testId: string; children: ReactNode }): JSX.Element {
  return (
    <figure className="card chart-card" data-testid={props.testId}>
      <figcaption>
        <strong>{props.title}</strong>
        <span className="muted">{props.hint}</span>
      </figcaption>
      {props.children}
    </figure>
  )
}
