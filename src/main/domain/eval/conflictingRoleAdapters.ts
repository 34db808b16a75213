import type { Role } from '@shared/roles'
import type { ResolvedConfiguration } from './EvalConfiguration'
import { rolesOfPipeline } from './EvalConfiguration'

/**
 * The roles that more than one trained adapter would play across these configurations (STaR's SFT-only verifier and
 * MALT's verifier, say), each with those adapter ids. An inference endpoint serves one adapter per role, so an
 * evaluation on one cannot tell such adapters apart; the embedded engine can, and never needs this check.
 */
export function conflictingRoleAdapters(configurations: readonly ResolvedConfiguration[]): { role: Role; adapterIds: number[] }[] {
  const byRole = new Map<Role, Set<number>>()
  for (const configuration of configurations) {
    for (const role of rolesOfPipeline(configuration.pipeline)) {
      const adapter = configuration.resolved[role]
      if (adapter === 'base') continue
      const ids = byRole.get(role) ?? new Set<number>()
      ids.add(adapter.adapterId)
      byRole.set(role, ids)
    }
  }
  return [...byRole]
    .filter(([, ids]) => ids.size > 1)
    .map(([role, ids]) => ({ role, adapterIds: [...ids].sort((a, b) => a - b) }))
}
