import type { JSX } from 'react'
import { useRunsStore } from '../../stores/useRunsStore'

/**
 * θ, pooling and a cap on pairs per parent. Changing them re-runs credit assignment on the stored trees (the summary,
 * the tree and exports follow); nothing is generated again.
 */
export function CreditControls(): JSX.Element {
  const credit = useRunsStore((state) => state.credit)
  const setCredit = useRunsStore((state) => state.setCredit)
  return (
    <section className="card credit-controls" aria-label="Credit assignment">
      <label className="credit-threshold">
        <span>
          Threshold θ <strong data-testid="theta-value">{credit.threshold.toFixed(2)}</strong>
        </span>
        <input
          type="range"
          min={0}
          max={1}
          step={0.05}
          value={credit.threshold}
          onChange={(event) => setCredit({ threshold: Number(event.target.value) })}
          aria-label="Threshold θ"
          data-testid="theta"
        />
        <span className="muted">✓ iff V &gt; θ</span>
      </label>
      <fieldset className="credit-pooling">
        <legend>Pooling</legend>
        <label title="V(v) = mean of its refinements’ rewards, V(g) = mean of its verifiers’ values (the paper’s default)">
          <input type="radio" name="pooling" checked={credit.pooling === 'global'} onChange={() => setCredit({ pooling: 'global' })} /> global
        </label>
        <label title="each level is labelled first; a parent’s value is the share of ✓ children">
          <input type="radio" name="pooling" checked={credit.pooling === 'local'} onChange={() => setCredit({ pooling: 'local' })} data-testid="pooling-local" />{' '}
          local
        </label>
      </fieldset>
      <label className="credit-cap">
        <input
          type="checkbox"
          checked={credit.maxPairsPerParent !== null}
          onChange={(event) => setCredit({ maxPairsPerParent: event.target.checked ? 4 : null })}
        />{' '}
        at most
        <input
          type="number"
          min={1}
          value={credit.maxPairsPerParent ?? 4}
          disabled={credit.maxPairsPerParent === null}
          onChange={(event) => {
            const value = Number(event.target.value)
            if (Number.isInteger(value) && value >= 1) setCredit({ maxPairsPerParent: value })
          }}
          aria-label="Most pairs per parent"
        />
        pairs per parent <span className="muted">(seeded sample; otherwise every ✓ × ✗)</span>
      </label>
      <button type="button" onClick={() => setCredit({ threshold: 0.5, pooling: 'global', maxPairsPerParent: null })}>
        Paper defaults
      </button>
    </section>
  )
}
