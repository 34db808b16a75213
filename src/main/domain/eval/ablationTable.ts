import { type Role, roles } from '@shared/roles'
import { rolesOfPipeline } from './EvalConfiguration'
import { ablationConfigurationIds, evalConfigurations } from './evalConfigurations'
import { resultsTable, type ResultsTable, type ResultsTableColumn } from './resultsTable'

/**
 * The paper's ablation tables over evaluated benchmarks (all MV@k):
 * - `untrainedRole` (Table 4): rows `untrained_g`, `untrained_v`, `untrained_r`, `malt`, led by G/V/R columns marking
 *   each role ✓ (runs a trained adapter) or ✗ (runs the base model);
 * - `pipeline` (Table 5): rows G only, G + V, G + R, G + V + R.
 * A role's mark comes from the adapters the evaluation actually bound (a MALT set that leaves a role untrained shows
 * ✗), or from the preset when no column has the configuration.
 */
export type AblationKind = keyof typeof ablationConfigurationIds

export function ablationTable(columns: readonly ResultsTableColumn[], kind: AblationKind): ResultsTable {
  const ids = ablationConfigurationIds[kind]
  if (kind === 'pipeline') return resultsTable(columns, { configurationIds: ids, rowLabels: { malt: 'G + V + R' } })

  const table = resultsTable(columns, { configurationIds: ids })
  const presets = evalConfigurations()
  return {
    ...table,
    leadingColumns: ['G', 'V', 'R'],
    rows: table.rows.map((row) => {
      const evaluated = columns.flatMap((column) => column.summary.configurations).find((c) => c.configuration.id === row.configurationId)
      const trained = (role: Role): boolean => {
        if (evaluated) return evaluated.configuration.resolved[role] !== 'base'
        const preset = presets.find((c) => c.id === row.configurationId)!
        return rolesOfPipeline(preset.pipeline).includes(role) && preset.adapters[role] !== 'base'
      }
      return { ...row, leading: roles.map((role) => (trained(role) ? '✓' : '✗')) }
    })
  }
}
