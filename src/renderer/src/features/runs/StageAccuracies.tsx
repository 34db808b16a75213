import type { JSX } from 'react'
import { formatPercent, roleLetters, roleNames, roleOrder } from './formatRuns'
import type { RunProgress } from './runProgress'

/** G / V / R accuracy of the run's stored outputs, each in its role's color. */
export function StageAccuracies(props: { accuracy: RunProgress['accuracy'] }): JSX.Element {
  return (
    <span className="stage-accuracies">
      {roleOrder.map((role) => (
        <span key={role} className={`stage-accuracy role-text-${role}`} title={`${roleNames[role]} accuracy`}>
          <strong>{roleLetters[role]}</strong> {formatPercent(props.accuracy[role], 0)}
        </span>
      ))}
    </span>
  )
}
