import type { JSX } from 'react'
import type { TreeNodeView } from '@shared/api/schemas/runs'
import { ErrorMessage } from '../../components/ErrorMessage'
import { GradedText, GradingNote } from '../../components/GradedText'
import { formatCount } from '../../format'
import { formatValue, nodeName, roleNames } from './formatRuns'
import { AnswerMark, PairMarks, ValuePill } from './NodeBadges'
import { useNodeDetail } from './useRunData'

/** A node's full output and the chat messages it was prompted with, beside the tree. */
export function NodePanel(props: { node: TreeNodeView; onClose(): void }): JSX.Element {
  const { node } = props
  const detail = useNodeDetail(node.id)
  const full = detail.data?.id === node.id ? detail.data : null
  return (
    <aside className={`card node-panel role-${node.role}`} aria-label="Node" data-testid="node-panel">
      <div className="node-panel-head">
        <span className={`role-tag role-bg-${node.role}`}>{roleNames[node.role]}</span>
        <strong>{nodeName(node.role, node.path)}</strong>
        <ValuePill node={node} />
        <PairMarks chosen={node.chosenIn} rejected={node.rejectedIn} />
        <span className="spacer" />
        <button type="button" onClick={props.onClose} aria-label="Close node">
          Close
        </button>
      </div>
      <dl className="facts node-facts">
        <dt>Answer</dt>
        <dd>
          <AnswerMark node={node} /> {full && <GradingNote extraction={full.extraction} reason={full.gradeReason} />}
        </dd>
        <dt>{node.role === 'refiner' ? 'Reward' : 'Value'}</dt>
        <dd>
          {formatValue(node.value)} → {node.label === null ? 'unlabelled' : node.label ? '✓ (V > θ)' : '✗ (V ≤ θ)'}
        </dd>
        {full && (
          <>
            <dt>Tokens</dt>
            <dd>
              {formatCount(full.completionTokens)} out · {formatCount(full.promptTokens)} prompt ({formatCount(full.evaluatedPromptTokens)} evaluated)
            </dd>
            <dt>Sampling</dt>
            <dd>
              seed {full.seed} · stopped by {full.stopReason} · {(full.durationMs / 1000).toFixed(2)} s
            </dd>
          </>
        )}
      </dl>
      {detail.error && <ErrorMessage error={detail.error} title="Could not load the node" />}
      {!full && !detail.error && <p className="muted">Loading text…</p>}
      {full && (
        <>
          <h3>Output</h3>
          {full.text ? <GradedText className="node-text" testId="node-text" text={full.text} extraction={full.extraction} /> : <pre className="node-text" data-testid="node-text">(empty output)</pre>}
          <h3>Prompt ({full.prompt.length} messages)</h3>
          <ol className="prompt-messages" data-testid="node-prompt">
            {full.prompt.map((message, index) => (
              <li key={index} className={`prompt-message prompt-${message.role}`}>
                <span className="prompt-role">{message.role}</span>
                <pre>{message.content}</pre>
              </li>
            ))}
          </ol>
        </>
      )}
    </aside>
  )
}
