import { AppError } from '@shared/errors'
import type { EvalConfiguration } from './EvalConfiguration'
import { validateConfiguration } from './EvalConfiguration'
import { evalConfigurations, type EvalConfigurationsOptions } from './evalConfigurations'

export interface ParseConfigurationIdsOptions extends EvalConfigurationsOptions {
  /**
   * Configurations beyond the built-in presets (a hand-written mix), looked up by id. One with a built-in id replaces
   * the preset. Defaults to none.
   */
  custom?: readonly EvalConfiguration[]
}

/**
 * The configurations a comma list names, in its order (the CLI's `--configs sa,sa_mv,ma,malt`). Spaces around ids
 * are ignored. An unknown id, an id listed twice and an empty list or entry are `invalid_input` errors that say what
 * was received and what is known.
 */
export function parseConfigurationIds(list: string, options: ParseConfigurationIdsOptions = {}): EvalConfiguration[] {
  const known = new Map<string, EvalConfiguration>()
  for (const configuration of evalConfigurations(options)) known.set(configuration.id, configuration)
  for (const configuration of options.custom ?? []) {
    validateConfiguration(configuration)
    known.set(configuration.id, configuration)
  }

  const ids = list.split(',').map((id) => id.trim())
  if (ids.length === 1 && ids[0] === '') {
    throw new AppError('invalid_input', `no configurations given; known: ${[...known.keys()].join(', ')}`, { field: 'configs' })
  }
  const seen = new Set<string>()
  const chosen: EvalConfiguration[] = []
  ids.forEach((id, index) => {
    if (id === '') {
      throw new AppError('invalid_input', `configuration list '${list}' has an empty entry at position ${index + 1}`, { field: 'configs' })
    }
    const configuration = known.get(id)
    if (!configuration) {
      throw new AppError('invalid_input', `unknown configuration '${id}'; known: ${[...known.keys()].join(', ')}`, { field: 'configs' })
    }
    if (seen.has(id)) throw new AppError('invalid_input', `configuration '${id}' is listed twice`, { field: 'configs' })
    seen.add(id)
    chosen.push(configuration)
  })
  return chosen
}
