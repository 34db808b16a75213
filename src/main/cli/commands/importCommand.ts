import { Command, Option } from 'commander'
import { benchmarkSchema } from '@shared/api/schemas/common'
import { datasetFormatSchema, datasetNameSchema, splitSchema } from '@shared/api/schemas/datasets'
import { AppError } from '@shared/errors'
import type { CliIo } from '../CliIo'
import { dbOptionDescription, dbOptionFlags, withWorkbench } from '../openWorkbench'
import { parseFieldMapping } from '../parseFieldMapping'

export function registerImportCommand(program: Command, io: CliIo): void {
  program
    .command('import')
    .description('import a JSONL data set (all lines or none, unless --skip-bad-lines)')
    .option(dbOptionFlags, dbOptionDescription)
    .addOption(new Option('--format <format>', 'file format').choices(datasetFormatSchema.options).makeOptionMandatory())
    .requiredOption('--file <path>', 'the JSONL file')
    .requiredOption('--name <name>', 'dataset name; importing more files under one name adds splits')
    .option('--split <split>', 'split to import into (default: from the file name: train, test or dev)')
    .addOption(new Option('--benchmark <benchmark>', 'how answers are graded (only for --format jsonl)').choices(benchmarkSchema.options))
    .option('--map <mapping>', 'for --format jsonl: question=FIELD,answer=FIELD[,choices=FIELD][,id=FIELD] (dotted paths allowed)')
    .option('--skip-bad-lines', 'import the good lines and report the bad ones', false)
    .addHelpText(
      'after',
      '\nExamples:\n  malt import --db w.sqlite --format gsm8k --file ../shared/data/gsm8k/train.jsonl --name gsm8k\n  malt import --format jsonl --file my.jsonl --name mine --map question=q,answer=a.value'
    )
    .action(async (options: ImportCommandOptions) => {
      const name = datasetNameSchema.safeParse(options.name)
      if (!name.success) throw new AppError('invalid_input', `--name: ${name.error.issues[0]?.message}`, { field: 'name' })
      if (options.split !== undefined && !splitSchema.safeParse(options.split).success) {
        throw new AppError('invalid_input', `--split: '${options.split}' is not a valid split name (letters, digits, _ or -)`, { field: 'split' })
      }
      if (options.format === 'jsonl' && !options.map) {
        throw new AppError('invalid_input', '--format jsonl needs --map question=FIELD,answer=FIELD', { field: 'map' })
      }
      if (options.format !== 'jsonl' && options.map) {
        throw new AppError('invalid_input', `--map only applies to --format jsonl (${options.format} has fixed fields)`, { field: 'map' })
      }
      await withWorkbench(options, async (workbench) => {
        const report = await workbench.datasets.importFile(options.file, {
          name: name.data,
          format: options.format,
          skipBadLines: options.skipBadLines,
          ...(options.split ? { split: options.split } : {}),
          ...(options.benchmark ? { benchmark: options.benchmark } : {}),
          ...(options.map ? { mapping: parseFieldMapping(options.map) } : {})
        })
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

interface ImportCommandOptions {
  db?: string
  format: (typeof datasetFormatSchema.options)[number]
  file: string
  name: string
  split?: string
  benchmark?: (typeof benchmarkSchema.options)[number]
  map?: string
  skipBadLines: boolean
}
