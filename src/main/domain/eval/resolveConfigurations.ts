import { type Role, roles } from '@shared/roles'
import { AppError } from '@shared/errors'
import type { AdapterSetName, EvalConfiguration, ResolvedAdapter, ResolvedConfiguration } from './EvalConfiguration'
import { rolesOfPipeline, validateConfiguration } from './EvalConfiguration'

/**
 * The concrete adapter of each role in each named set, fixed when an evaluation is created (and stored with it, so a
 * resumed evaluation binds the same adapters). `null` says the set leaves that role untrained (e.g. MALT adapters
 * trained for V and R only), which makes it share the base model's outputs.
 */
export type AdapterSets = Partial<Record<AdapterSetName, Partial<Record<Role, number | null>>>>

/**
 * Validates the configurations and binds their named adapter sets. Throws `invalid_input` for an invalid
 * configuration, an id used twice, or a set/role a configuration runs but `adapterSets` does not bind (naming the
 * configuration, the set and the role). Roles a pipeline does not run resolve to `'base'`: they never load.
 */
export function resolveConfigurations(
  configurations: readonly EvalConfiguration[],
  adapterSets: AdapterSets = {}
): ResolvedConfiguration[] {
  const ids = new Set<string>()
  return configurations.map((configuration) => {
    validateConfiguration(configuration)
    if (ids.has(configuration.id)) {
      throw new AppError('invalid_input', `configuration '${configuration.id}' is given twice`, { field: 'configurations' })
    }
    ids.add(configuration.id)
    const running = new Set(rolesOfPipeline(configuration.pipeline))
    const resolved = {} as Record<Role, ResolvedAdapter>
    for (const role of roles) {
      const ref = configuration.adapters[role]
      if (!running.has(role) || ref === 'base') resolved[role] = 'base'
      else if (typeof ref === 'object') resolved[role] = { adapterId: ref.adapterId }
      else {
        const bound = adapterSets[ref]?.[role]
        if (bound === undefined) {
          throw new AppError(
            'invalid_input',
            `configuration '${configuration.id}' runs the ${role} with the '${ref}' adapter set, but no '${ref}' ${role} adapter is chosen`,
            { field: `adapterSets.${ref}.${role}` }
          )
        }
        if (bound !== null && !(Number.isInteger(bound) && bound > 0)) {
          throw new AppError('invalid_input', `the '${ref}' ${role} adapter must be an adapter id or null, got ${String(bound)}`, {
            field: `adapterSets.${ref}.${role}`
          })
        }
        resolved[role] = bound === null ? 'base' : { adapterId: bound }
      }
    }
    return { ...configuration, adapters: { ...configuration.adapters }, resolved }
  })
}
