import { existsSync } from 'node:fs'
import { basename } from 'node:path'
import type { Command } from 'commander'
import { Option } from 'commander'
import { AppError } from '@shared/errors'
import type { Workbench } from '../../app/Workbench'
import { guessDatasetOfPath } from '../../domain/datasets/guessDatasetOfPath'
import type { CliIo } from '../CliIo'
import { followJob } from '../followJob'
import { dbOptionDescription, dbOptionFlags, withWorkbench } from '../openWorkbench'
import { parseIntegerOption, parseNumberOption } from '../parseOptions'

interface GenerateOptions {
  db?: string
  model?: string
  dataset?: string
  split?: string
  limit?: string
  branching: string
  seed: string
  subsetSeed?: string
  maxTokens: string
  temperature: string
  topP: string
  concurrency: string
  resume?: string
  name?: string
}

export function registerGenerateCommand(program: Command, io: CliIo): void {
  program
    .command('generate')
    .description('tree-search data generation (Algorithm 1): n generations × n verifications × n refinements per question')
    .option(dbOptionFlags, dbOptionDescription)
    .option('--model <file|endpoint:NAME>', 'base GGUF model the three agents share, or a registered inference endpoint (malt models add-endpoint; default: the one chosen in Setup)')
    .option('--dataset <name|file>', 'dataset name, or a JSONL file to import first (format guessed from its name)')
    .option('--split <split>', 'split of the dataset', 'train')
    .option('--limit <n>', 'number of questions (a seeded random subset; default: all)')
    .option('--branching <n>', 'branching factor n (n + n² + n³ nodes per question)', '3')
    .option('--seed <n>', 'run seed: every node’s sampling seed derives from it', '0')
    .option('--subset-seed <n>', 'seed of the question subset (default: --seed)')
    .option('--max-tokens <n>', 'most tokens per output', '512')
    .option('--temperature <t>', 'sampling temperature (the paper uses 0.3)', '0.3')
    .option('--top-p <p>', 'nucleus sampling', '1')
    .option('--concurrency <n>', 'questions expanded at once', '4')
    .option('--name <name>', 'run name')
    .addOption(new Option('--resume <runId>', 'continue an interrupted run instead of starting one').conflicts(['dataset', 'model', 'limit']))
    .addHelpText(
      'after',
      '\nPrints progress on stderr and the run id alone as the last line of stdout. Ctrl+C pauses; resume with --resume.\n' +
        'Example: malt generate --db w.sqlite --model .models/SmolLM2-135M-Instruct.Q4_1.gguf --dataset gsm8k --split train --limit 20 --branching 3 --seed 0'
    )
    .action(async (options: GenerateOptions) => {
      await withWorkbench(options, async (workbench) => {
        let runId: number
        if (options.resume !== undefined) {
          runId = parseIntegerOption('--resume', options.resume, { min: 1 })
        } else {
          if (!options.dataset) throw new AppError('invalid_input', 'generate needs --dataset NAME|FILE (or --resume RUN_ID)', { field: 'dataset' })
          const datasetId = await resolveDataset(workbench, options.dataset, io)
          const limit = options.limit === undefined ? null : parseIntegerOption('--limit', options.limit, { min: 1 })
          const seed = parseIntegerOption('--seed', options.seed, { min: 0 })
          const run = workbench.runs.create({
            datasetId,
            split: options.split ?? 'train',
            limit,
            subsetSeed: options.subsetSeed === undefined ? seed : parseIntegerOption('--subset-seed', options.subsetSeed),
            branching: parseIntegerOption('--branching', options.branching, { min: 1, max: 8 }),
            seed,
            sampling: {
              temperature: parseNumberOption('--temperature', options.temperature, { min: 0, max: 2 }),
              topP: parseNumberOption('--top-p', options.topP, { min: 0.01, max: 1 }),
              maxTokens: parseIntegerOption('--max-tokens', options.maxTokens, { min: 1 })
            },
            questionConcurrency: parseIntegerOption('--concurrency', options.concurrency, { min: 1, max: 64 }),
            ...(options.model ? { modelPath: options.model } : {}),
            ...(options.name ? { name: options.name } : {}),
            start: false
          })
          runId = run.id
          io.err(`run ${runId}: ${run.name}, ${run.questionCount} questions, ${run.expectedNodes} nodes to generate`)
        }
        const { jobId, done } = workbench.runs.start(runId)
        const status = await followJob(workbench, jobId, done, io)
        const summary = workbench.runs.summary(runId)
        io.err(`run ${runId} ${summary.status}: ${summary.nodeCount}/${summary.expectedNodes} nodes, ${summary.completeQuestions}/${summary.questionCount} questions complete`)
        if (status === 'failed') throw new AppError('internal', summary.error ?? workbench.jobs.get(jobId)?.error?.message ?? `run ${runId} failed`)
        io.out(String(runId))
        if (status !== 'completed') process.exitCode = 130
      })
    })
}

/** A dataset by name, or a JSONL file imported under its file name (format guessed; re-importing is a no-op). */
async function resolveDataset(workbench: Workbench, nameOrFile: string, io: CliIo): Promise<number> {
  const byName = workbench.datasets.list().find((dataset) => dataset.name === nameOrFile)
  if (byName) return byName.id
  if (!existsSync(nameOrFile)) throw new AppError('not_found', `no dataset named '${nameOrFile}' and no such file`, { field: 'dataset' })
  const guess = guessDatasetOfPath(nameOrFile.split(/[\\/]/).slice(-2).join('/'))
  if (guess.suggestedFormat === 'jsonl') {
    throw new AppError('invalid_input', `cannot tell the format of ${nameOrFile}; import it first with malt import --format …`, { field: 'dataset' })
  }
  const report = await workbench.datasets.importFile(nameOrFile, { name: guess.suggestedName, format: guess.suggestedFormat })
  io.err(`dataset ${report.name}/${report.split}: ${report.added} added, ${report.unchanged} already there`)
  return report.datasetId
}
