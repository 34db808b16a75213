import type { JSX } from 'react'
import type { Role } from './formatRuns'
import { formatPercent, roleNames } from './formatRuns'

/** A role's share of right answers in one question, as a small bar in the role's color. */
export function ShareMeter(props: { role: Role; share: number | null }): JSX.Element {
  if (props.share === null) return <span className="muted">—</span>
  return (
    <span className="share-meter" title={`${roleNames[props.role]}: ${formatPercent(props.share)} right`}>
      <span className="share-track">
        <span className={`share-fill role-bg-${props.role}`} style={{ width: `${Math.round(props.share * 100)}%` }} />
      </span>
      <span className="share-text">{formatPercent(props.share, 0)}</span>
    </span>
  )
}
