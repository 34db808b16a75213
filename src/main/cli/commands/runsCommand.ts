import type { Command } from 'commander'
import { roles } from '@shared/roles'
import type { CliIo } from '../CliIo'
import { dbOptionDescription, dbOptionFlags, withWorkbench } from '../openWorkbench'

export function registerRunsCommand(program: Command, io: CliIo): void {
  program
    .command('runs')
    .description('list generation runs: id, status, progress, name')
    .option(dbOptionFlags, dbOptionDescription)
    .action(async (options: { db?: string }) => {
      await withWorkbench(options, async (workbench) => {
        const runs = await workbench.api.runs.list()
        if (runs.length === 0) io.err('no runs yet (malt generate --help)')
        for (const run of runs) {
          const accuracy = roles
            .map((role) => `${role[0]!.toUpperCase()} ${run.stageAccuracy[role] === null ? '–' : `${(100 * run.stageAccuracy[role]!).toFixed(1)}%`}`)
            .join(' ')
          io.out(
            `${run.id}\t${run.status}\t${run.completeQuestions}/${run.questionCount} questions\t${run.nodeCount}/${run.expectedNodes} nodes\t${accuracy}\t${run.name}`
          )
        }
      })
    })
}
