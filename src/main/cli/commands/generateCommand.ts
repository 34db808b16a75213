import type { Command } from 'commander'
import { createRunInputSchema, runsApi } from '@shared/api/schemas/runs'
import type { CreateRunInput } from '@shared/api/schemas/runs'
import { AppError } from '@shared/errors'
import type { CliIo } from '../CliIo'
import { followJob } from '../followJob'
import { dbOptionDescription, dbOptionFlags, withWorkbench } from '../openWorkbench'
import { resolveDataset } from '../resolveDataset'
import { SchemaFlags } from '../SchemaFlags'

/** The flags that fill `runs.create`; its schema holds their defaults and ranges. */
const runFlags = new SchemaFlags(createRunInputSchema, {
  '--model <file|endpoint:NAME>': {
    field: 'modelPath',
    description: 'base GGUF model the three agents share, or a registered inference endpoint (malt models add-endpoint)',
    defaultHelp: 'the one chosen in Setup'
  },
  '--split <split>': { field: 'split', description: 'split of the dataset' },
  '--limit <n>': { field: 'limit', description: 'number of questions (a seeded random subset)', defaultHelp: 'all' },
  '--branching <n>': { field: 'branching', description: 'branching factor n (n + n² + n³ nodes per question)' },
  '--seed <n>': { field: 'seed', description: 'run seed: every node’s sampling seed derives from it' },
  '--subset-seed <n>': { field: 'subsetSeed', description: 'seed of the question subset', defaultHelp: '--seed' },
  '--max-tokens <n>': { field: 'sampling.maxTokens', description: 'most tokens per output' },
  '--temperature <t>': { field: 'sampling.temperature', description: 'sampling temperature (the paper uses 0.3)' },
  '--top-p <p>': { field: 'sampling.topP', description: 'nucleus sampling' },
  '--concurrency <n>': { field: 'questionConcurrency', description: 'questions expanded at once' },
  '--name <name>': { field: 'name', description: 'run name' }
})

const resumeFlags = new SchemaFlags(runsApi.resume.input, {
  '--resume <runId>': { field: 'runId', description: 'continue an interrupted run instead of starting one', conflicts: ['dataset', 'model', 'limit'] }
})

export function registerGenerateCommand(program: Command, io: CliIo): void {
  const command = program
    .command('generate')
    .description('tree-search data generation (Algorithm 1): n generations × n verifications × n refinements per question')
    .option(dbOptionFlags, dbOptionDescription)
    .option('--dataset <name|file>', 'dataset name, or a JSONL file to import first (format guessed from its name)')
  runFlags.addTo(command)
  resumeFlags.addTo(command)
  command
    .addHelpText(
      'after',
      '\nPrints progress on stderr and the run id alone as the last line of stdout. Ctrl+C pauses; resume with --resume.\n' +
        'Example: malt generate --db w.sqlite --model .models/SmolLM2-135M-Instruct.Q4_1.gguf --dataset gsm8k --split train --limit 20 --branching 3 --seed 0'
    )
    .action(async (options: { db?: string; dataset?: string; resume?: string } & Record<string, unknown>) => {
      await withWorkbench(options, async (workbench) => {
        let runId: number
        if (options.resume !== undefined) {
          runId = (resumeFlags.input(options) as { runId: number }).runId
        } else {
          if (!options.dataset) throw new AppError('invalid_input', 'generate needs --dataset NAME|FILE (or --resume RUN_ID)', { field: 'dataset' })
          const { dataset } = await resolveDataset(workbench, options.dataset, io, { field: 'dataset' })
          const input = runFlags.input(options) as Partial<CreateRunInput>
          // The subset follows the run seed unless it has its own.
          if (input.subsetSeed === undefined && input.seed !== undefined) input.subsetSeed = input.seed
          const run = await runFlags.call(() => workbench.api.runs.create({ ...input, datasetId: dataset.id, start: false }))
          runId = run.id
          io.err(`run ${runId}: ${run.name}, ${run.questionCount} questions, ${run.expectedNodes} nodes to generate`)
        }
        const { jobId } = await resumeFlags.call(() => workbench.api.runs.resume({ runId }))
        const { status, error } = await followJob(workbench, jobId!, () => workbench.api.runs.pause({ runId }), io)
        const summary = await workbench.api.runs.get({ runId })
        io.err(`run ${runId} ${summary.status}: ${summary.nodeCount}/${summary.expectedNodes} nodes, ${summary.completeQuestions}/${summary.questionCount} questions complete`)
        if (status === 'failed') throw new AppError('internal', summary.error ?? error ?? `run ${runId} failed`)
        io.out(String(runId))
        if (status !== 'completed') io.interrupted?.()
      })
    })
}
