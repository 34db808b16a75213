import { existsSync } from 'node:fs'
import type { DatasetSummary } from '@shared/api/schemas/datasets'
import { AppError } from '@shared/errors'
import type { Workbench } from '../app/Workbench'
import { guessDatasetOfPath } from '../domain/datasets/guessDatasetOfPath'
import type { CliIo } from './CliIo'
import { uploadSource } from './uploadSource'

/**
 * A dataset by name, or a JSONL file imported under the name and format its path suggests (re-importing changes
 * nothing). `field` is the flag errors name; `split` is where an imported file goes (default: what its name says).
 */
export async function resolveDataset(
  workbench: Workbench,
  nameOrFile: string,
  io: CliIo,
  options: { field: string; split?: string }
): Promise<{ dataset: DatasetSummary; importedSplit?: string }> {
  const byName = (await workbench.api.datasets.list()).find((dataset) => dataset.name === nameOrFile)
  if (byName) return { dataset: byName }
  if (!existsSync(nameOrFile)) throw new AppError('not_found', `no dataset named '${nameOrFile}' and no such file`, { field: options.field })
  const guess = guessDatasetOfPath(nameOrFile.split(/[\\/]/).slice(-2).join('/'))
  if (guess.suggestedFormat === 'jsonl') {
    throw new AppError('invalid_input', `cannot tell the format of ${nameOrFile}; import it first with malt import --format …`, { field: options.field })
  }
  const report = await workbench.api.datasets.import({
    name: guess.suggestedName,
    format: guess.suggestedFormat,
    source: await uploadSource(nameOrFile),
    ...(options.split ? { split: options.split } : {})
  })
  io.err(`dataset ${report.name}/${report.split}: ${report.added} added, ${report.unchanged} already there`)
  const dataset = (await workbench.api.datasets.list()).find((candidate) => candidate.id === report.datasetId)!
  return { dataset, importedSplit: report.split }
}
