import type { JSX } from 'react'
import type { TreeNodeView } from '@shared/api/schemas/runs'
import { nodeName } from './formatRuns'
import type { GenerationBranch } from './layoutTree'
import { PairMarks } from './NodeBadges'
import { TreeNodeCard } from './TreeNodeCard'

interface Props {
  branch: GenerationBranch
  expanded: boolean
  onToggle(): void
  selectedNodeId: number | null
  onSelect(node: TreeNodeView): void
}

/** One generation with its verifications and their refinements, or a one-line summary while collapsed. */
export function GenerationBranchView(props: Props): JSX.Element {
  const { branch, expanded } = props
  const isSelected = (node: TreeNodeView) => node.id === props.selectedNodeId
  return (
    <div className="tree-generation" data-testid={`generation-${branch.node.path}`}>
      <button
        type="button"
        className="tree-toggle"
        onClick={props.onToggle}
        aria-expanded={expanded}
        aria-label={`${expanded ? 'Collapse' : 'Expand'} ${nodeName('generator', branch.node.path)}`}
      >
        {expanded ? '−' : '+'}
      </button>
      <TreeNodeCard node={branch.node} selected={isSelected(branch.node)} onSelect={props.onSelect} />
      {expanded ? (
        <div className="tree-children">
          {branch.verifications.map((verification) => (
            <div key={verification.node.id} className="tree-child tree-verification">
              <TreeNodeCard node={verification.node} selected={isSelected(verification.node)} onSelect={props.onSelect} />
              <div className="tree-refinements">
                {verification.refinements.map((refinement) => (
                  <TreeNodeCard key={refinement.id} node={refinement} compact selected={isSelected(refinement)} onSelect={props.onSelect} />
                ))}
                {verification.refinements.length === 0 && <span className="muted">no refinements yet</span>}
              </div>
            </div>
          ))}
          {branch.verifications.length === 0 && <span className="muted">no verifications yet</span>}
        </div>
      ) : (
        <button type="button" className="tree-collapsed" onClick={props.onToggle}>
          {branch.verifications.length} verifications · {branch.leaves} refinements, {branch.rightLeaves} right{' '}
          <PairMarks chosen={branch.chosen} rejected={branch.rejected} /> <span className="muted">— expand</span>
        </button>
      )}
    </div>
  )
}
