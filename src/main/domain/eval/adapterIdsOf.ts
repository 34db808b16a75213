import { roles } from '@shared/roles'
import type { ResolvedConfiguration } from './EvalConfiguration'

/** Every registered adapter the configurations load, once each. */
export function adapterIdsOf(configurations: readonly ResolvedConfiguration[]): number[] {
  const ids = new Set<number>()
  for (const configuration of configurations) {
    for (const role of roles) {
      const adapter = configuration.resolved[role]
      if (adapter !== 'base') ids.add(adapter.adapterId)
    }
  }
  return [...ids]
}
