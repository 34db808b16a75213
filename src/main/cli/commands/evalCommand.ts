import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { Option } from 'commander'
import type { CreateEvaluationInput, EvaluationDetail, EvaluationResults } from '@shared/api/schemas/evaluations'
import { createEvaluationInputSchema, evaluationsApi, tableFormatSchema } from '@shared/api/schemas/evaluations'
import { endpointNameOf } from '@shared/api/schemas/endpoints'
import { AppError } from '@shared/errors'
import { InvalidInputError } from '@shared/errors/InvalidInputError'
import { perRole, type Role, roles } from '@shared/roles'
import { adapterToken } from '../../domain/eval/WorkUnit'
import type { CliIo } from '../CliIo'
import { followJob } from '../followJob'
import { dbOptionDescription, dbOptionFlags, withWorkbench } from '../openWorkbench'
import { parseIntegerOption } from '../parseOptions'
import { resolveDataset } from '../resolveDataset'
import { SchemaFlags } from '../SchemaFlags'

/** The flags that fill `evaluations.create`; its schema holds their defaults and ranges. */
const evaluationFlags = new SchemaFlags(createEvaluationInputSchema, {
  '--model <file|endpoint:NAME>': {
    field: 'modelPath',
    description: 'base GGUF model, or a registered inference endpoint (malt models add-endpoint)',
    defaultHelp: 'the one chosen in Setup',
    parse: (text) => (endpointNameOf(text) === null ? resolve(text) : text)
  },
  '--configs <list>': {
    field: 'configurations',
    description: 'comma list of configurations: sa,sa_mv,ma,ma_mv,star_sa,star_sa_mv,star_ma,star_ma_mv,malt_nomv,malt,debate,untrained_g,untrained_v,untrained_r,g_only,g_v,g_r',
    parse: (text) => text.split(',').map((id) => id.trim())
  },
  '--adapters <role=id,…>': {
    field: 'adapterSets.malt',
    description: 'the MALT adapter set: registered adapter ids per role, e.g. generator=3,verifier=4,refiner=5 (g/v/r; base = untrained)',
    parse: parseRoleAdapters
  },
  '--star-adapters <role=id,…>': { field: 'adapterSets.star', description: 'the STaR (SFT-only) adapter set, same form', parse: parseRoleAdapters },
  '--subset <n>': { field: 'subsetSize', description: 'questions per seed', defaultHelp: 'the whole split' },
  '--seeds <list>': { field: 'seeds', description: 'evaluation seeds, each with its own random subset', defaultHelp: '0,1,2,3', parse: parseSeeds },
  '--votes <k>': { field: 'votes', description: 'k of MV@k for the voting presets' },
  '--debate <agents>x<rounds>': { field: 'debate', description: 'shape of the debate preset', defaultHelp: '3x3', parse: parseDebate },
  '--max-tokens <n>': { field: 'sampling.maxTokens', description: 'most tokens per output' },
  '--temperature <t>': { field: 'sampling.temperature', description: 'sampling temperature (the paper uses 0.3)' },
  '--top-p <p>': { field: 'sampling.topP', description: 'nucleus sampling' },
  '--concurrency <n>': { field: 'questionConcurrency', description: 'items (question × seed) evaluated at once' },
  '--name <name>': { field: 'name', description: 'evaluation name' }
})

const resumeFlags = new SchemaFlags(evaluationsApi.resume.input, {
  '--resume <evalId>': {
    field: 'evaluationId',
    description: 'continue an interrupted evaluation instead of creating one',
    conflicts: ['benchmark', 'configs', 'model']
  }
})

interface EvalOptions extends Record<string, unknown> {
  db?: string
  benchmark?: string
  split?: string
  configs?: string
  out?: string
  format: 'markdown' | 'csv' | 'json'
  resume?: string
}

/**
 * `malt eval`: creates (or resumes) an evaluation, follows its job, prints the paper's table (configurations × the
 * benchmark, mean ± std over seeds) to stdout and writes results.json (see {@link resultsFile}).
 */
export function registerEvalCommand(program: Command, io: CliIo): void {
  const command = program
    .command('eval')
    .description('evaluate configurations (SA, MA, MALT, STaR, debate, ablations) on seeded test subsets (paper §5)')
    .option(dbOptionFlags, dbOptionDescription)
    .option('--benchmark <name|file>', 'dataset name, or a JSONL file to import first (format guessed from its name)')
    .option('--split <split>', "split to evaluate (default: 'test', else 'dev', else the dataset's only split)")
  evaluationFlags.addTo(command)
  command
    .option('--out <file>', 'write the results (per-seed accuracies, mean, std per configuration) as JSON')
    .addOption(new Option('--format <format>', 'format of the table printed to stdout').choices(tableFormatSchema.options).default('markdown'))
  resumeFlags.addTo(command)
  command
    .addHelpText(
      'after',
      '\nPrints progress on stderr, then the table on stdout. Ctrl+C pauses; continue with --resume EVAL_ID (nothing stored is recomputed).\n' +
        'results.json: { evaluationId, status, complete, benchmark, dataset, split, model, seeds, subsetSize, votes, sampling, adapterSets,\n' +
        '  units: { planned, stored, naive }, configurations: [{ id, label, pipeline, votes, adapters, perSeed: [{ seed, accuracy, correct, total }],\n' +
        '  accuracies, mean, std, n, completeItems, incompleteItems, turns, flips, byVotes }], table } — accuracies in percent, std over seeds (population).\n' +
        'Example: malt eval --db w.sqlite --model .models/SmolLM2-135M-Instruct.Q4_1.gguf --benchmark gsm8k --configs sa,sa_mv,ma,ma_mv,malt \\\n' +
        '  --adapters generator=1,verifier=2,refiner=3 --subset 100 --seeds 0,1,2,3 --out results.json'
    )
    .action(async (options: EvalOptions) => {
      await withWorkbench(options, async (workbench) => {
        const api = workbench.api
        let evaluationId: number
        if (options.resume !== undefined) {
          evaluationId = (resumeFlags.input(options) as { evaluationId: number }).evaluationId
          const view = await resumeFlags.call(() => api.evaluations.get({ evaluationId }))
          io.err(`evaluation ${evaluationId}: ${view.name}, ${view.storedUnits}/${view.unitCount} units stored`)
        } else {
          if (!options.benchmark) throw new AppError('invalid_input', 'eval needs --benchmark NAME|FILE (or --resume EVAL_ID)', { field: 'benchmark' })
          if (!options.configs) throw new AppError('invalid_input', 'eval needs --configs, e.g. --configs sa,ma,malt', { field: 'configs' })
          const split = await resolveBenchmark(workbench, options.benchmark, options.split, io)
          const input = evaluationFlags.input(options) as Partial<CreateEvaluationInput>
          const view = await evaluationFlags.call(() => api.evaluations.create({ ...input, configurations: input.configurations!, ...split, start: false }))
          evaluationId = view.id
          io.err(`evaluation ${evaluationId}: ${view.name}, ${view.itemCount} items, ${view.unitCount} units to compute`)
        }

        const before = await api.evaluations.get({ evaluationId })
        let status: string = before.status
        if (before.status !== 'completed') {
          const { jobId } = await api.evaluations.resume({ evaluationId })
          const ended = await followJob(workbench, jobId!, () => api.evaluations.pause({ evaluationId }), io)
          status = ended.status
          const after = await api.evaluations.get({ evaluationId })
          io.err(`evaluation ${evaluationId} ${after.status}: ${after.storedUnits}/${after.unitCount} units, ${after.completeItems}/${after.itemCount} items complete`)
          if (status === 'failed') throw new AppError('internal', after.error ?? ended.error ?? `evaluation ${evaluationId} failed`)
        }

        const table = await api.evaluations.exportTable({ evaluationIds: [evaluationId], format: options.format })
        io.stdout.write(table.content)
        if (options.out) {
          const markdown = options.format === 'markdown' ? table.content : (await api.evaluations.exportTable({ evaluationIds: [evaluationId], format: 'markdown' })).content
          const file = resultsFile(await api.evaluations.get({ evaluationId }), await api.evaluations.results({ evaluationId }), markdown)
          writeFileSync(options.out, `${JSON.stringify(file, null, 2)}\n`)
          io.err(`results written to ${options.out}`)
        }
        if (status !== 'completed') io.interrupted?.()
      })
    })
}

/**
 * What `--out` writes: for each configuration, the per-seed accuracies and their mean and population std (percent,
 * as the paper prints them), plus accuracy per turn, flips and MV@1…k, and everything needed to know what was run.
 */
function resultsFile(detail: EvaluationDetail, results: EvaluationResults, table: string) {
  const stats = (accuracy: EvaluationResults['configurations'][number]['accuracy']) => ({
    perSeed: accuracy.perSeed,
    accuracies: accuracy.perSeed.map((seed) => seed.accuracy),
    mean: accuracy.mean,
    std: accuracy.std,
    n: accuracy.n
  })
  return {
    evaluationId: detail.id,
    name: detail.name,
    status: detail.status,
    complete: results.complete,
    benchmark: detail.benchmark,
    dataset: detail.datasetName,
    split: detail.split,
    model: detail.modelPath,
    seeds: detail.seeds,
    subsetSize: detail.subsetSize,
    votes: detail.config.votes,
    debate: detail.config.debate,
    sampling: detail.config.sampling,
    adapterSets: detail.config.adapterSets,
    units: { planned: detail.unitCount, stored: results.storedUnits, naive: detail.naiveUnitCount },
    accuracyUnit: 'percent',
    std: 'population standard deviation over seeds',
    configurations: results.configurations.map((configuration) => ({
      id: configuration.id,
      label: configuration.label,
      pipeline: configuration.pipeline,
      votes: configuration.votes,
      adapters: perRole((role) => adapterToken(configuration.resolved[role])),
      ...stats(configuration.accuracy),
      completeItems: configuration.completeItems,
      incompleteItems: configuration.incompleteItems,
      turns: configuration.turns.map((turn) => ({ id: turn.id, label: turn.label, ...stats(turn.accuracy) })),
      flips: configuration.flips.map((flip) => ({ from: flip.from.id, to: flip.to.id, ...flip.total })),
      byVotes: configuration.byVotes.map((entry) => ({ votes: entry.votes, mean: entry.accuracy.mean, std: entry.accuracy.std }))
    })),
    table
  }
}

/** A role by its name or its initial (g, v, r). */
const roleNames = new Map<string, Role>(roles.flatMap((role) => [[role, role], [role[0]!, role]] as [string, Role][]))

/** `generator=3,verifier=4,refiner=base` → { generator: 3, verifier: 4, refiner: null }; ids are checked by the contract. */
function parseRoleAdapters(text: string, flag: string): Partial<Record<Role, number | null>> {
  const out: Partial<Record<Role, number | null>> = {}
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [rawRole, rawValue] = part.split('=').map((s) => s.trim())
    const role = roleNames.get((rawRole ?? '').toLowerCase())
    if (!role || rawValue === undefined || rawValue === '') {
      throw new InvalidInputError(`${flag}: '${part}' is not role=ID (roles: ${roles.join(', ')})`, flag, 'role=ID', part)
    }
    if (role in out) throw new InvalidInputError(`${flag}: the ${role} is given twice`, flag, 'each role once', part)
    out[role] = rawValue === 'base' || rawValue === 'none' ? null : parseIntegerOption(`${flag} ${role}`, rawValue)
  }
  return out
}

/** `0,1,2,3` → [0, 1, 2, 3]; the contract checks the range. */
function parseSeeds(text: string, flag: string): number[] {
  const seeds = text.split(',').map((s) => s.trim()).filter(Boolean)
  if (seeds.length === 0) throw new InvalidInputError(`${flag}: give at least one seed, e.g. 0,1,2,3`, flag, 'a list of seeds', text)
  return seeds.map((seed) => parseIntegerOption(flag, seed))
}

/** `3x3` → { agents: 3, rounds: 3 }; the contract checks the range. */
function parseDebate(text: string, flag: string): { agents: number; rounds: number } {
  const match = /^(\d+)x(\d+)$/i.exec(text.trim())
  if (!match) throw new InvalidInputError(`${flag}: '${text}' is not AGENTSxROUNDS, e.g. 3x3`, flag, 'AGENTSxROUNDS', text)
  return { agents: Number(match[1]), rounds: Number(match[2]) }
}

/**
 * The dataset and split to evaluate: a dataset by name with the given split (else its test, dev or validation split,
 * else its only one), or a JSONL file imported first.
 */
async function resolveBenchmark(workbench: Parameters<typeof resolveDataset>[0], nameOrFile: string, split: string | undefined, io: CliIo): Promise<{ datasetId: number; split: string }> {
  const { dataset, importedSplit } = await resolveDataset(workbench, nameOrFile, io, { field: 'benchmark', ...(split ? { split } : {}) })
  if (importedSplit) return { datasetId: dataset.id, split: importedSplit }
  if (split) return { datasetId: dataset.id, split }
  const splits = dataset.splits.map((s) => s.split)
  const chosen = ['test', 'dev', 'validation'].find((s) => splits.includes(s)) ?? (splits.length === 1 ? splits[0] : undefined)
  if (!chosen) throw new AppError('invalid_input', `dataset '${nameOrFile}' has splits ${splits.join(', ')}; choose one with --split`, { field: 'split' })
  return { datasetId: dataset.id, split: chosen }
}
