import type { JSX } from 'react'

/** A thin bar for done/total; `active` animates it while work is under way. */
export function ProgressBar(props: { fraction: number; label: string; active?: boolean }): JSX.Element {
  const percent = Math.round(Math.max(0, Math.min(1, props.fraction)) * 1000) / 10
  return (
    <div
      className={props.active ? 'progress-bar active' : 'progress-bar'}
      role="progressbar"
      aria-label={props.label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
    >
      <div className="progress-fill" style={{ width: `${percent}%` }} />
    </div>
  )
}
