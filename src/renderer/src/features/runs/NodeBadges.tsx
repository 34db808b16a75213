import type { JSX } from 'react'
import type { TreeNodeView } from '@shared/api/schemas/runs'
import { formatValue } from './formatRuns'

/** Value and ✓/✗ label in one pill: green when V > θ. A leaf's value is its reward. */
export function ValuePill(props: { node: TreeNodeView }): JSX.Element {
  const { node } = props
  const tone = node.label === null ? 'unknown' : node.label ? 'good' : 'bad'
  const name = node.role === 'refiner' ? 'reward' : 'value'
  return (
    <span className={`value-pill ${tone}`} title={`${name} ${formatValue(node.value)}, labelled ${node.label === null ? 'unknown' : node.label ? '✓' : '✗'}`} data-testid="node-value">
      {node.role === 'refiner' ? 'R' : 'V'} {formatValue(node.value)} {node.label === null ? '' : node.label ? '✓' : '✗'}
    </span>
  )
}

/** The extracted answer, green if it matches the gold answer, red if not. */
export function AnswerMark(props: { node: TreeNodeView }): JSX.Element {
  const { node } = props
  if (node.answer === null) return <span className="answer none">no answer</span>
  return (
    <span className={node.correct ? 'answer right' : 'answer wrong'} title={node.correct ? 'matches the gold answer' : 'does not match the gold answer'}>
      {node.correct ? '✔' : '✘'} <span className="mono">{node.answer}</span>
    </span>
  )
}

/** How many DPO pairs use this node as chosen (▲) or rejected (▼). */
export function PairMarks(props: { chosen: number; rejected: number }): JSX.Element | null {
  if (props.chosen === 0 && props.rejected === 0) return null
  return (
    <span className="pair-marks">
      {props.chosen > 0 && (
        <span className="pair-mark chosen" title={`chosen in ${props.chosen} pair${props.chosen > 1 ? 's' : ''}`}>
          ▲{props.chosen}
        </span>
      )}
      {props.rejected > 0 && (
        <span className="pair-mark rejected" title={`rejected in ${props.rejected} pair${props.rejected > 1 ? 's' : ''}`}>
          ▼{props.rejected}
        </span>
      )}
    </span>
  )
}
