import type { JSX } from 'react'
import { useState } from 'react'
import type { CreditSettings } from '@shared/api/schemas/runs'
import type { AppError } from '@shared/errors'
import { workbench } from '../../api/workbench'
import { ErrorMessage } from '../../components/ErrorMessage'
import { formatCount } from '../../format'
import { downloadText } from './downloadText'
import type { Role } from './formatRuns'
import { roleLetters, roleNames, roleOrder } from './formatRuns'

interface ExportTarget {
  what: 'tree' | 'sft' | 'dpo'
  role?: Role
}

const targetName = (target: ExportTarget) => (target.role ? `${target.what.toUpperCase()} ${roleNames[target.role]}` : 'tree')

/** Downloads the run's tree, or a role's SFT set or DPO pairs (TRL formats), under the current credit setting. */
export function ExportBar(props: { runId: number; credit: CreditSettings }): JSX.Element {
  const [busy, setBusy] = useState<string | null>(null)
  const [last, setLast] = useState<{ fileName: string; lines: number } | null>(null)
  const [error, setError] = useState<AppError | null>(null)

  const run = async (target: ExportTarget) => {
    setBusy(targetName(target))
    setError(null)
    try {
      const result = await workbench.runs.exportData({ runId: props.runId, what: target.what, ...(target.role ? { role: target.role } : {}), credit: props.credit })
      downloadText(result.fileName, result.content)
      setLast({ fileName: result.fileName, lines: result.lines })
    } catch (caught) {
      setError(caught as AppError)
    } finally {
      setBusy(null)
    }
  }

  const button = (target: ExportTarget, label: string) => (
    <button
      type="button"
      key={`${target.what}-${target.role ?? ''}`}
      disabled={busy !== null}
      onClick={() => void run(target)}
      title={`Download ${targetName(target)} as JSONL`}
      data-testid={`export-${target.what}${target.role ? `-${target.role}` : ''}`}
    >
      {label}
    </button>
  )

  return (
    <section className="card export-bar" aria-label="Export">
      <strong>Export JSONL</strong>
      {button({ what: 'tree' }, 'Tree')}
      <span className="export-group">
        SFT
        {roleOrder.map((role) => button({ what: 'sft', role }, roleLetters[role]))}
      </span>
      <span className="export-group">
        DPO
        {roleOrder.map((role) => button({ what: 'dpo', role }, roleLetters[role]))}
      </span>
      <span className="muted">
        θ = {props.credit.threshold.toFixed(2)}, {props.credit.pooling} pooling{props.credit.maxPairsPerParent ? `, ≤ ${props.credit.maxPairsPerParent} pairs per parent` : ''}
      </span>
      <span className="spacer" />
      {busy && <span className="muted">exporting {busy}…</span>}
      {last && !busy && (
        <span data-testid="export-result">
          <span className="mono">{last.fileName}</span> · {formatCount(last.lines)} lines
        </span>
      )}
      {error && <ErrorMessage error={error} title="Export failed" />}
    </section>
  )
}
