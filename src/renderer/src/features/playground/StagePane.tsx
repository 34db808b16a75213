import type { JSX } from 'react'
import { GradedText, GradingNote } from '../../components/GradedText'
import type { Lane, Role } from '../../stores/usePlaygroundStore'
import { usePlaygroundStore } from '../../stores/usePlaygroundStore'

const titles: Record<Role, string> = { generator: 'Generator', verifier: 'Verifier', refiner: 'Refiner' }

/** One stage's streamed output with its extracted answer and whether it is right. */
export function StagePane(props: { lane: Lane; role: Role; title?: string; canRerun?: boolean }): JSX.Element {
  const pane = usePlaygroundStore((state) => state.panes[props.lane][props.role])
  const running = usePlaygroundStore((state) => state.running)
  const run = usePlaygroundStore((state) => state.run)
  return (
    <section className={`stage-pane role-${props.role}`} aria-label={`${props.title ?? titles[props.role]} output`} data-testid={`pane-${props.lane}-${props.role}`}>
      <header>
        <span className="role-dot" />
        <strong>{props.title ?? titles[props.role]}</strong>
        {pane.status === 'running' && <span className="muted">streaming…</span>}
        {pane.status === 'done' && pane.answer !== null && (
          <span className={pane.correct ? 'verdict good' : pane.correct === false ? 'verdict bad' : 'verdict'}>
            answer {pane.answer} {pane.correct === true ? '✓' : pane.correct === false ? '✗' : ''}
          </span>
        )}
        {pane.status === 'done' && pane.answer === null && <span className="verdict">no answer found</span>}
        <span className="spacer" />
        {props.canRerun && (
          <button type="button" disabled={running} onClick={() => void run(props.role)} title="Keep the earlier stages and run again from here">
            Re-run from here
          </button>
        )}
      </header>
      {pane.status === 'done' && (
        <div className="stage-grading">
          <GradingNote extraction={pane.extraction} reason={pane.gradeReason} />
        </div>
      )}
      {pane.status === 'done' ? (
        <GradedText className="stage-text" text={pane.text} extraction={pane.extraction} />
      ) : (
        <pre className="stage-text">{pane.text || (pane.status === 'idle' ? ' ' : '')}</pre>
      )}
      {pane.error && <div className="error-box">{pane.error}</div>}
    </section>
  )
}
