import type { JSX, ReactNode } from 'react'

export function PageHeader(props: { title: string; subtitle?: string; actions?: ReactNode }): JSX.Element {
  return (
    <header className="page-header">
      <div>
        <h1>{props.title}</h1>
        {props.subtitle && <p className="muted">{props.subtitle}</p>}
      </div>
      {props.actions && <div className="page-actions">{props.actions}</div>}
    </header>
  )
}
