import type { JSX, ReactNode } from 'react'
import { PageHeader } from './PageHeader'

/** A page whose capability arrives in a later milestone: it says what it will hold and where that comes from. */
export function Placeholder(props: { title: string; subtitle: string; items: ReactNode[]; cli?: string[] }): JSX.Element {
  return (
    <div className="page">
      <PageHeader title={props.title} subtitle={props.subtitle} />
      <section className="card placeholder">
        <h2>What this page will hold</h2>
        <ul>
          {props.items.map((item, index) => (
            <li key={index}>{item}</li>
          ))}
        </ul>
        {props.cli && props.cli.length > 0 && (
          <>
            <h3>From the command line</h3>
            <pre className="mono">{props.cli.join('\n')}</pre>
          </>
        )}
      </section>
    </div>
  )
}
