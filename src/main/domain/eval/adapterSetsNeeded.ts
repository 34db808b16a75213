import { type Role, roles } from '@shared/roles'
import type { AdapterSetName, EvalConfiguration } from './EvalConfiguration'
import { adapterSetNames, rolesOfPipeline } from './EvalConfiguration'

export interface AdapterSetNeed {
  set: AdapterSetName
  /** The roles whose adapter from this set some configuration runs, in G, V, R order. */
  roles: Role[]
  /** The configurations that need it, in the order given. */
  configurationIds: string[]
}

/**
 * Which named adapter sets a set of configurations needs, and for which roles: what the evaluation form must ask the
 * researcher to bind before it can start (e.g. `malt` for G, V and R; `g_only` alone needs only the MALT generator).
 * Roles a pipeline does not run are not counted. Sets are listed in {@link adapterSetNames} order; none needed is [].
 */
export function adapterSetsNeeded(configurations: readonly EvalConfiguration[]): AdapterSetNeed[] {
  const needs: AdapterSetNeed[] = []
  for (const set of adapterSetNames) {
    const usedRoles = new Set<Role>()
    const configurationIds: string[] = []
    for (const configuration of configurations) {
      const running = rolesOfPipeline(configuration.pipeline).filter((role) => configuration.adapters[role] === set)
      if (running.length === 0) continue
      running.forEach((role) => usedRoles.add(role))
      configurationIds.push(configuration.id)
    }
    if (configurationIds.length > 0) needs.push({ set, roles: roles.filter((role) => usedRoles.has(role)), configurationIds })
  }
  return needs
}
