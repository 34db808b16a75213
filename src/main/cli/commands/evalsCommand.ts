import type { Command } from 'commander'
import type { CliIo } from '../CliIo'
import { dbOptionDescription, dbOptionFlags, withWorkbench } from '../openWorkbench'

/** `malt evals`: one line per evaluation, id first. */
export function registerEvalsCommand(program: Command, io: CliIo): void {
  program
    .command('evals')
    .description('list evaluations: id, status, items, units, configurations, name')
    .option(dbOptionFlags, dbOptionDescription)
    .action(async (options: { db?: string }) => {
      await withWorkbench(options, async (workbench) => {
        const evaluations = await workbench.api.evaluations.list()
        if (evaluations.length === 0) io.err('no evaluations yet (malt eval --help)')
        for (const evaluation of evaluations) {
          io.out(
            `${evaluation.id}\t${evaluation.status}\t${evaluation.completeItems}/${evaluation.itemCount} items\t${evaluation.storedUnits}/${evaluation.unitCount} units\t${evaluation.configurationIds.join(',')}\t${evaluation.name}`
          )
        }
      })
    })
}
