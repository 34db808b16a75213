import { readFile, writeFile } from 'node:fs/promises'
import { basename } from 'node:path'
import type { Command } from 'commander'
import { datasetNameSchema, splitSchema } from '@shared/api/schemas/datasets'
import { AppError } from '@shared/errors'
import { instantiateTemplates } from '../../domain/symbolic/instantiateTemplates'
import { parseTemplateFile } from '../../domain/symbolic/parseTemplateFile'
import type { CliIo } from '../CliIo'
import { dbOptionDescription, dbOptionFlags, withWorkbench } from '../openWorkbench'
import { parseIntegerOption } from '../parseOptions'

const helpText = `
Instantiates GSM-Symbolic templates (Mirzadeh et al., 2024): every template is a GSM8K test problem whose
names and numbers are re-sampled under the template's conditions, so a fresh instance cannot have been
memorized. Each template is checked on load; a bad line fails the command with
"error: FILE:LINE field 'NAME': ..." and exit code 1, and nothing is written or imported.

Output: JSON Lines in Apple's generated-data format, one problem per line:
  {"id": <template id>, "instance": <0..N-1>, "question": "...", "answer": "... #### <number>",
   "original_id": <GSM8K test line>, "original_question": "..."}
The same --seed gives the same file; instances of a template are distinct.

Give --out to write the file, and/or --name to import it as a dataset (format gsm-symbolic), which
evaluates like any other GSM8K-graded benchmark.

Examples:
  malt symbolic --templates ../shared/data/gsm_symbolic/templates_symbolic.jsonl --per-template 50 --seed 1 --out gsm_symbolic.jsonl
  malt symbolic --templates ../shared/data/gsm_symbolic/templates_symbolic.jsonl --per-template 5 --seed 1 --db w.sqlite --name gsm-symbolic`

export function registerSymbolicCommand(program: Command, io: CliIo): void {
  program
    .command('symbolic')
    .description('generate fresh GSM-Symbolic problems from templates, with a seed')
    .requiredOption('--templates <file>', 'GSM-Symbolic templates, one JSON object per line (templates_symbolic.jsonl)')
    .requiredOption('--per-template <n>', 'instances per template (Apple published 50)')
    .requiredOption('--seed <seed>', 'integer seed; the same seed gives the same problems')
    .option('--out <file>', 'write the generated JSONL here')
    .option(dbOptionFlags, dbOptionDescription)
    .option('--name <name>', 'import the problems into this dataset (format gsm-symbolic)')
    .option('--split <split>', 'split to import into', 'test')
    .addHelpText('after', helpText)
    .action(async (options: SymbolicCommandOptions) => {
      const perTemplate = parseIntegerOption('--per-template', options.perTemplate, { min: 1, max: 10_000 })
      const seed = parseIntegerOption('--seed', options.seed)
      if (options.name === undefined && options.db !== undefined) {
        throw new AppError('invalid_input', '--db needs --name: the dataset to import the problems into')
      }
      if (options.out === undefined && options.name === undefined) {
        throw new AppError('invalid_input', 'give --out FILE to write the problems, or --name NAME (with --db) to import them')
      }
      const name = options.name === undefined ? undefined : datasetNameSchema.safeParse(options.name)
      if (name && !name.success) throw new AppError('invalid_input', `--name: ${name.error.issues[0]?.message}`, { field: 'name' })
      if (!splitSchema.safeParse(options.split).success) {
        throw new AppError('invalid_input', `--split: '${options.split}' is not a valid split name (letters, digits, _ or -)`, { field: 'split' })
      }

      const templates = parseTemplateFile(await readTemplates(options.templates), options.templates)
      if (templates.length === 0) throw new AppError('bad_file', 'no templates in the file', { file: options.templates })
      const records = instantiateTemplates(templates, { perTemplate, seed })
      const jsonl = records.map((record) => `${JSON.stringify(record)}\n`).join('')
      const summary = `${records.length} problems (${templates.length} templates × ${perTemplate}, seed ${seed})`

      if (options.out !== undefined) {
        await writeFile(options.out, jsonl, 'utf8')
        io.out(`wrote ${summary} to ${options.out}`)
      }
      if (name?.success) {
        const fileName = options.out !== undefined ? basename(options.out) : `gsm_symbolic_${basename(options.templates).replace(/\.jsonl?$/, '')}_n${perTemplate}_seed${seed}.jsonl`
        await withWorkbench(options, async (workbench) => {
          const report = await workbench.api.datasets.import({
            name: name.data,
            format: 'gsm-symbolic',
            split: options.split,
            source: { kind: 'upload', fileName, contentBase64: Buffer.from(jsonl, 'utf8').toString('base64') }
          })
          const what = report.alreadyImported ? 'already imported' : 'imported'
          io.out(`${what} ${summary} into ${report.name}/${report.split}: ${report.added} added, ${report.unchanged} unchanged, ${report.skipped} skipped`)
        })
      }
    })
}

interface SymbolicCommandOptions {
  templates: string
  perTemplate: string
  seed: string
  out?: string
  db?: string
  name?: string
  split: string
}

async function readTemplates(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') throw new AppError('not_found', `no such file: ${file}`, { file })
    throw error
  }
}
