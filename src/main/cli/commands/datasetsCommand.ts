import type { Command } from 'commander'
import type { CliIo } from '../CliIo'
import { dbOptionDescription, dbOptionFlags, withWorkbench } from '../openWorkbench'

export function registerDatasetsCommand(program: Command, io: CliIo): void {
  program
    .command('datasets')
    .description('list datasets: one line each with name, question count, grading and splits')
    .option(dbOptionFlags, dbOptionDescription)
    .action(async (options: { db?: string }) => {
      await withWorkbench(options, async (workbench) => {
        const datasets = await workbench.api.datasets.list()
        if (datasets.length === 0) io.err('no datasets yet (malt import --help)')
        const width = Math.max(4, ...datasets.map((dataset) => dataset.name.length))
        for (const dataset of datasets) {
          const splits = dataset.splits.map((split) => `${split.split}=${split.count}`).join(' ')
          io.out(`${dataset.name.padEnd(width)}  ${String(dataset.questionCount).padStart(6)} questions  ${dataset.benchmark.padEnd(5)}  ${splits}`)
        }
      })
    })
}
