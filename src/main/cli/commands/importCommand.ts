import { Command } from 'commander'
import { importDatasetInputSchema } from '@shared/api/schemas/datasets'
import type { ImportDatasetInput } from '@shared/api/schemas/datasets'
import { AppError } from '@shared/errors'
import type { CliIo } from '../CliIo'
import { dbOptionDescription, dbOptionFlags, withWorkbench } from '../openWorkbench'
import { parseFieldMapping } from '../parseFieldMapping'
import { SchemaFlags } from '../SchemaFlags'
import { uploadSource } from '../uploadSource'

/** The flags that fill `datasets.import`; its schema holds the names, formats and defaults. */
const importFlags = new SchemaFlags(importDatasetInputSchema, {
  '--format <format>': { field: 'format', description: 'file format', required: true },
  '--name <name>': { field: 'name', description: 'dataset name; importing more files under one name adds splits', required: true },
  '--split <split>': { field: 'split', description: 'split to import into', defaultHelp: 'from the file name: train, test or dev' },
  '--benchmark <benchmark>': { field: 'benchmark', description: 'how answers are graded (only for --format jsonl)' },
  '--map <mapping>': {
    field: 'mapping',
    description: 'for --format jsonl: question=FIELD,answer=FIELD[,choices=FIELD][,id=FIELD] (dotted paths allowed)',
    parse: (text) => parseFieldMapping(text)
  },
  '--skip-bad-lines': { field: 'skipBadLines', description: 'import the good lines and report the bad ones' }
})

export function registerImportCommand(program: Command, io: CliIo): void {
  const command = program
    .command('import')
    .description('import a JSONL data set (all lines or none, unless --skip-bad-lines)')
    .option(dbOptionFlags, dbOptionDescription)
    .requiredOption('--file <path>', 'the JSONL file')
  importFlags.addTo(command)
  command
    .addHelpText(
      'after',
      '\nExamples:\n  malt import --db w.sqlite --format gsm8k --file ../shared/data/gsm8k/train.jsonl --name gsm8k\n  malt import --format jsonl --file my.jsonl --name mine --map question=q,answer=a.value'
    )
    .action(async (options: { db?: string; file: string; format: string; map?: string } & Record<string, unknown>) => {
      if (options.format === 'jsonl' && !options.map) {
        throw new AppError('invalid_input', '--format jsonl needs --map question=FIELD,answer=FIELD', { field: 'map' })
      }
      if (options.format !== 'jsonl' && options.map) {
        throw new AppError('invalid_input', `--map only applies to --format jsonl (${options.format} has fixed fields)`, { field: 'map' })
      }
      const input = importFlags.input(options) as Omit<ImportDatasetInput, 'source'>
      await withWorkbench(options, async (workbench) => {
        const report = await importFlags.call(async () => workbench.api.datasets.import({ ...input, source: await uploadSource(options.file) }))
        for (const problem of report.problems) {
          io.err(`skipped ${report.fileName}:${problem.line}${problem.field ? ` field '${problem.field}'` : ''}: ${problem.message}`)
        }
        if (report.skipped > report.problems.length) io.err(`… and ${report.skipped - report.problems.length} more skipped lines`)
        const what = report.alreadyImported ? 'already imported' : 'imported'
        io.out(
          `${what} ${report.fileName} into ${report.name}/${report.split}: ${report.added} added, ${report.unchanged} unchanged, ${report.skipped} skipped`
        )
      })
    })
}
