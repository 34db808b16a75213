import type { JSX } from 'react'
import { useMemo, useState } from 'react'
import type { CreditSettings } from '@shared/api/schemas/runs'
import { ErrorMessage } from '../../components/ErrorMessage'
import { useRunsStore } from '../../stores/useRunsStore'
import { shortGold } from './formatRuns'
import { GenerationBranchView } from './GenerationBranchView'
import { layoutTree } from './layoutTree'
import { NodePanel } from './NodePanel'
import { useRunTree } from './useRunData'

interface Props {
  runId: number
  questionId: number
  expectedNodes: number
  credit: CreditSettings
  refreshKey: string
}

/** One question's tree, G → V → R, with values, labels, answers and pair marks; a node opens its text beside it. */
export function TreeExplorer(props: Props): JSX.Element {
  const tree = useRunTree(props.runId, props.questionId, props.credit, props.refreshKey)
  const selectedNodeId = useRunsStore((state) => state.selectedNodeId)
  const selectNode = useRunsStore((state) => state.selectNode)
  const [collapsed, setCollapsed] = useState<ReadonlySet<number>>(new Set())
  const layout = useMemo(() => layoutTree(tree.data?.nodes ?? []), [tree.data])
  const selectedNode = tree.data?.nodes.find((node) => node.id === selectedNodeId) ?? null

  const toggle = (id: number) =>
    setCollapsed((current) => {
      const next = new Set(current)
      if (next.has(id)) next.delete(id)
      else next.add(id)
      return next
    })

  if (tree.error && !tree.data) return <ErrorMessage error={tree.error} title="Could not load the tree" />
  if (!tree.data) return <section className="card tree-explorer muted">Loading the tree…</section>

  const { totals } = layout
  return (
    <div className={selectedNode ? 'tree-workspace with-panel' : 'tree-workspace'}>
      <section className="card tree-explorer" aria-label="Tree" data-testid="tree-explorer" data-loading={tree.loading}>
        <div className="tree-question">
          <p className="prewrap" data-testid="tree-question">
            {tree.data.question}
          </p>
          <div className="tree-gold">
            Gold answer: <strong className="mono" data-testid="tree-gold">{shortGold(tree.data.gold)}</strong>
            <details className="gold-solution">
              <summary className="muted">reference solution</summary>
              <pre className="prewrap">{tree.data.gold}</pre>
            </details>
          </div>
        </div>
        <div className="toolbar tree-toolbar">
          <span data-testid="tree-totals">
            {totals.nodes}/{props.expectedNodes} nodes · {totals.rightLeaves}/{totals.leaves} refinements right · {totals.pairs} pairs
          </span>
          <span className="tree-legend muted">
            <span className="value-pill good">V ✓</span> V &gt; θ <span className="value-pill bad">V ✗</span> V ≤ θ <span className="answer right">✔</span> right answer{' '}
            <span className="pair-mark chosen">▲</span> chosen <span className="pair-mark rejected">▼</span> rejected
          </span>
          <span className="spacer" />
          <button type="button" onClick={() => setCollapsed(new Set())}>
            Expand all
          </button>
          <button type="button" onClick={() => setCollapsed(new Set(layout.generations.map((branch) => branch.node.id)))}>
            Collapse all
          </button>
        </div>
        <div className="tree-columns muted" aria-hidden="true">
          <span className="role-text-generator">Generator</span>
          <span className="role-text-verifier">Verifier</span>
          <span className="role-text-refiner">Refiner (leaves)</span>
        </div>
        {layout.generations.length === 0 && <p className="muted">No node of this question is stored yet.</p>}
        {layout.generations.map((branch) => (
          <GenerationBranchView
            key={branch.node.id}
            branch={branch}
            expanded={!collapsed.has(branch.node.id)}
            onToggle={() => toggle(branch.node.id)}
            selectedNodeId={selectedNodeId}
            onSelect={(node) => selectNode(node.id === selectedNodeId ? null : node.id)}
          />
        ))}
      </section>
      {selectedNode && <NodePanel node={selectedNode} onClose={() => selectNode(null)} />}
    </div>
  )
}
