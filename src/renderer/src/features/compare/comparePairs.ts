/** Pure choices of the Compare page. */

interface ComparableConfiguration {
  id: string
  resolved: { generator: 'base' | { adapterId: number }; verifier: 'base' | { adapterId: number } }
}

const sameAdapter = (a: 'base' | { adapterId: number }, b: 'base' | { adapterId: number }) =>
  a === 'base' || b === 'base' ? a === b : a.adapterId === b.adapterId

/**
 * The pair to show first: `malt` vs `untrained_v` (the paper's), else the first two G → V → R configurations on the
 * same generator whose verifiers differ, the untrained (base) one as "untrained".
 */
export function defaultVerifierPair(configurations: readonly ComparableConfiguration[]): { trained: string; untrained: string } | null {
  const ids = new Set(configurations.map((configuration) => configuration.id))
  if (ids.has('malt') && ids.has('untrained_v')) return { trained: 'malt', untrained: 'untrained_v' }
  for (const a of configurations) {
    for (const b of configurations) {
      if (a === b || !sameAdapter(a.resolved.generator, b.resolved.generator) || sameAdapter(a.resolved.verifier, b.resolved.verifier)) continue
      if (b.resolved.verifier === 'base') return { trained: a.id, untrained: b.id }
    }
  }
  const [first, second] = configurations
  return first && second ? { trained: second.id, untrained: first.id } : null
}

/** The next index stepping by `step`, wrapping around `total` items. */
export function stepIndex(current: number, step: number, total: number): number {
  if (total <= 0) return 0
  return (((current + step) % total) + total) % total
}
