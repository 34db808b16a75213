import type { JSX } from 'react'
import { useState } from 'react'
import type { EvaluationView } from '@shared/api/schemas/evaluations'
import { workbench } from '../../api/workbench'
import { ErrorMessage } from '../../components/ErrorMessage'
import { useEvaluationsStore } from '../../stores/useEvaluationsStore'
import { useLoaded } from '../runs/useLoaded'

/**
 * This evaluation against another (or two of its own configurations): per configuration pair, the items right in
 * one and wrong in the other, with both answers.
 */
export function EvaluationComparison(props: { evaluation: EvaluationView }): JSX.Element {
  const { evaluation } = props
  const evaluations = useEvaluationsStore((state) => state.evaluations)
  const [otherId, setOtherId] = useState<number | null>(null)
  const [configurationA, setConfigurationA] = useState('')
  const [configurationB, setConfigurationB] = useState('')
  const other = evaluations.find((candidate) => candidate.id === otherId) ?? null
  const pair = configurationA && configurationB ? ([configurationA, configurationB] as [string, string]) : null
  const key = other ? `${evaluation.id}:${other.id}:${pair?.join('|') ?? '*'}:${evaluation.storedUnits}:${other.storedUnits}` : null
  const comparison = useLoaded(key, () =>
    workbench.evaluations.compare({ evaluationA: evaluation.id, evaluationB: other!.id, ...(pair ? { pairs: [pair] } : {}) })
  )

  return (
    <section className="card eval-comparison" aria-label="Compare evaluations" data-testid="evaluation-comparison">
      <div className="toolbar">
        <h2>Compare</h2>
        <span className="muted">#{evaluation.id} (A) with</span>
        <select value={otherId === null ? '' : String(otherId)} onChange={(event) => setOtherId(event.target.value ? Number(event.target.value) : null)} aria-label="Evaluation B" data-testid="compare-evaluation-b">
          <option value="">choose an evaluation (B)…</option>
          {evaluations.map((candidate) => (
            <option key={candidate.id} value={candidate.id}>
              #{candidate.id} {candidate.name}
              {candidate.id === evaluation.id ? ' (itself: pick two configurations)' : ''}
            </option>
          ))}
        </select>
        {other && (
          <>
            <select value={configurationA} onChange={(event) => setConfigurationA(event.target.value)} aria-label="Configuration in A" data-testid="compare-configuration-a">
              <option value="">every shared configuration</option>
              {evaluation.configurationIds.map((id) => (
                <option key={id} value={id}>
                  A: {id}
                </option>
              ))}
            </select>
            <select value={configurationB} onChange={(event) => setConfigurationB(event.target.value)} aria-label="Configuration in B" data-testid="compare-configuration-b">
              <option value="">—</option>
              {other.configurationIds.map((id) => (
                <option key={id} value={id}>
                  B: {id}
                </option>
              ))}
            </select>
          </>
        )}
      </div>
      {comparison.error && <ErrorMessage error={comparison.error} title="Could not compare" />}
      {other && comparison.data && comparison.data.comparisons.length === 0 && <p className="muted">No configuration in common; pick a pair.</p>}
      {other &&
        comparison.data?.comparisons.map((entry) => (
          <div key={`${entry.configurationA}|${entry.configurationB}`} className="comparison-entry" data-testid={`comparison-${entry.configurationA}-${entry.configurationB}`}>
            <p>
              <strong>
                {entry.configurationA} (A) vs {entry.configurationB} (B)
              </strong>{' '}
              <span className="muted">
                {entry.shared} shared items · both right {entry.bothRight} · both wrong {entry.bothWrong} ·{' '}
              </span>
              <span className="good-text">right only in A: {entry.rightInAOnly.length}</span> · <span className="bad-text">right only in B: {entry.rightInBOnly.length}</span>
              {(entry.onlyInA > 0 || entry.onlyInB > 0) && (
                <span className="muted">
                  {' '}
                  · not in both: {entry.onlyInA} (A), {entry.onlyInB} (B)
                </span>
              )}
            </p>
            {entry.rightInAOnly.length + entry.rightInBOnly.length > 0 && (
              <table className="results-table compact">
                <thead>
                  <tr>
                    <th>Seed</th>
                    <th>Question</th>
                    <th>Text</th>
                    <th>Gold</th>
                    <th>Answer in A</th>
                    <th>Answer in B</th>
                    <th>Right in</th>
                  </tr>
                </thead>
                <tbody>
                  {[...entry.rightInAOnly.map((item) => ({ ...item, right: 'A' })), ...entry.rightInBOnly.map((item) => ({ ...item, right: 'B' }))].slice(0, 200).map((item) => (
                    <tr key={`${item.seed}:${item.questionId}`}>
                      <td>{item.seed}</td>
                      <td className="mono">{item.externalId}</td>
                      <td className="comparison-question" title={item.question}>
                        <span className="ellipsis">{item.question}</span>
                      </td>
                      <td className="mono">{item.gold}</td>
                      <td className="mono">{item.answerA ?? '∅'}</td>
                      <td className="mono">{item.answerB ?? '∅'}</td>
                      <td className={item.right === 'A' ? 'good-text' : 'bad-text'}>{item.right}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        ))}
    </section>
  )
}
