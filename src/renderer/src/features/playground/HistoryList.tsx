import type { JSX } from 'react'
import { usePlaygroundStore } from '../../stores/usePlaygroundStore'

/** Earlier runs, newest first; clicking one restores its prompts and outputs. */
export function HistoryList(): JSX.Element {
  const history = usePlaygroundStore((state) => state.history)
  const restore = usePlaygroundStore((state) => state.restore)
  return (
    <section className="card" aria-label="History">
      <h2>History</h2>
      {history.length === 0 && <p className="muted">Runs appear here with their prompts, so variants can be compared and restored.</p>}
      <ul className="history-list">
        {history.map((session) => {
          const final = session.results.filter((result) => result.lane === 'main').at(-1)
          return (
            <li key={session.id}>
              <button type="button" onClick={() => restore(session)}>
                <span className="muted">{new Date(session.createdAt).toLocaleTimeString()}</span>
                <span className="ellipsis">{session.question.text}</span>
                <span className={final?.correct ? 'verdict good' : final?.correct === false ? 'verdict bad' : 'verdict'}>
                  {session.status !== 'completed' ? session.status : final ? `${final.stage} → ${final.answer ?? 'no answer'}` : ''}
                </span>
              </button>
            </li>
          )
        })}
      </ul>
    </section>
  )
}
