import type { JSX } from 'react'
import type { RunStatus } from '@shared/api/schemas/runs'

export function RunStatusBadge(props: { status: RunStatus }): JSX.Element {
  return <span className={`run-status run-status-${props.status}`}>{props.status}</span>
}
