import type { JSX } from 'react'
import type { TreeNodeView } from '@shared/api/schemas/runs'
import { nodeName, roleNames } from './formatRuns'
import { AnswerMark, PairMarks, ValuePill } from './NodeBadges'

function cardClass(node: TreeNodeView, selected: boolean, compact: boolean): string {
  const classes = ['tree-node', `role-${node.role}`]
  if (compact) classes.push('compact')
  if (node.chosenIn > 0) classes.push('chosen')
  if (node.rejectedIn > 0) classes.push('rejected')
  if (selected) classes.push('selected')
  return classes.join(' ')
}

/** One node of the tree: role, place, value and label, answer, pair marks and (unless compact) its first lines. */
export function TreeNodeCard(props: { node: TreeNodeView; selected: boolean; compact?: boolean; onSelect(node: TreeNodeView): void }): JSX.Element {
  const { node } = props
  const name = nodeName(node.role, node.path)
  return (
    <button
      type="button"
      className={cardClass(node, props.selected, props.compact ?? false)}
      onClick={() => props.onSelect(node)}
      aria-pressed={props.selected}
      aria-label={`${roleNames[node.role]} ${name}`}
      data-testid={`node-${node.path}`}
      data-role={node.role}
    >
      {props.compact ? (
        <>
          <span className="node-head">
            <span className="node-name">{name}</span>
            <PairMarks chosen={node.chosenIn} rejected={node.rejectedIn} />
          </span>
          <span className="node-answer wrap">
            <ValuePill node={node} />
            <AnswerMark node={node} />
          </span>
        </>
      ) : (
        <>
          <span className="node-head">
            <span className="node-name">{name}</span>
            <ValuePill node={node} />
            <PairMarks chosen={node.chosenIn} rejected={node.rejectedIn} />
          </span>
          <span className="node-answer">
            <AnswerMark node={node} />
          </span>
          <span className="node-preview">{node.preview}</span>
        </>
      )}
    </button>
  )
}
