import { existsSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { Option } from 'commander'
import type { AdapterSetsInput, EvaluationDetail, EvaluationResults } from '@shared/api/schemas/evaluations'
import { endpointNameOf } from '@shared/api/schemas/endpoints'
import { AppError } from '@shared/errors'
import type { Workbench } from '../../app/Workbench'
import type { Role } from '../../domain/agents/types'
import { guessDatasetOfPath } from '../../domain/datasets/guessDatasetOfPath'
import { adapterToken } from '../../domain/eval/WorkUnit'
import type { CliIo } from '../CliIo'
import { followJob } from '../followJob'
import { dbOptionDescription, dbOptionFlags, withWorkbench } from '../openWorkbench'
import { parseIntegerOption, parseNumberOption } from '../parseOptions'

interface EvalOptions {
  db?: string
  model?: string
  benchmark?: string
  split?: string
  configs?: string
  adapters?: string
  starAdapters?: string
  subset?: string
  seeds: string
  votes: string
  debate: string
  maxTokens: string
  temperature: string
  topP: string
  concurrency: string
  name?: string
  out?: string
  format: string
  resume?: string
}

/**
 * `malt eval`: creates (or resumes) an evaluation, follows its job, prints the paper's table (configurations × the
 * benchmark, mean ± std over seeds) to stdout and writes results.json (see {@link resultsFile}).
 */
export function registerEvalCommand(program: Command, io: CliIo): void {
  program
    .command('eval')
    .description('evaluate configurations (SA, MA, MALT, STaR, debate, ablations) on seeded test subsets (paper §5)')
    .option(dbOptionFlags, dbOptionDescription)
    .option('--model <file|endpoint:NAME>', 'base GGUF model, or a registered inference endpoint (default: the one chosen in Setup)')
    .option('--benchmark <name|file>', 'dataset name, or a JSONL file to import first (format guessed from its name)')
    .option('--split <split>', "split to evaluate (default: 'test', else 'dev', else the dataset's only split)")
    .option('--configs <list>', 'comma list of configurations: sa,sa_mv,ma,ma_mv,star_sa,star_sa_mv,star_ma,star_ma_mv,malt_nomv,malt,debate,untrained_g,untrained_v,untrained_r,g_only,g_v,g_r')
    .option('--adapters <role=id,…>', 'the MALT adapter set: registered adapter ids per role, e.g. generator=3,verifier=4,refiner=5 (g/v/r; base = untrained)')
    .option('--star-adapters <role=id,…>', 'the STaR (SFT-only) adapter set, same form')
    .option('--subset <n>', 'questions per seed (default: the whole split)')
    .option('--seeds <list>', 'evaluation seeds, each with its own random subset', '0,1,2,3')
    .option('--votes <k>', 'k of MV@k for the voting presets', '3')
    .option('--debate <agents>x<rounds>', 'shape of the debate preset', '3x3')
    .option('--max-tokens <n>', 'most tokens per output', '512')
    .option('--temperature <t>', 'sampling temperature (the paper uses 0.3)', '0.3')
    .option('--top-p <p>', 'nucleus sampling', '1')
    .option('--concurrency <n>', 'items (question × seed) evaluated at once', '4')
    .option('--name <name>', 'evaluation name')
    .option('--out <file>', 'write the results (per-seed accuracies, mean, std per configuration) as JSON')
    .addOption(new Option('--format <format>', 'format of the table printed to stdout').choices(['markdown', 'csv', 'json']).default('markdown'))
    .addOption(new Option('--resume <evalId>', 'continue an interrupted evaluation instead of creating one').conflicts(['benchmark', 'configs', 'model']))
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
        let evaluationId: number
        if (options.resume !== undefined) {
          evaluationId = parseIntegerOption('--resume', options.resume, { min: 1 })
          const view = workbench.evaluations.view(evaluationId)
          io.err(`evaluation ${evaluationId}: ${view.name}, ${view.storedUnits}/${view.unitCount} units stored`)
        } else {
          if (!options.benchmark) throw new AppError('invalid_input', 'eval needs --benchmark NAME|FILE (or --resume EVAL_ID)', { field: 'benchmark' })
          if (!options.configs) throw new AppError('invalid_input', 'eval needs --configs, e.g. --configs sa,ma,malt', { field: 'configs' })
          const { datasetId, split } = await resolveBenchmark(workbench, options.benchmark, options.split, io)
          const adapterSets: AdapterSetsInput = {}
          if (options.adapters) adapterSets.malt = parseRoleAdapters('--adapters', options.adapters)
          if (options.starAdapters) adapterSets.star = parseRoleAdapters('--star-adapters', options.starAdapters)
          const view = workbench.evaluations.create({
            datasetId,
            split,
            configurations: options.configs.split(',').map((id) => id.trim()),
            adapterSets,
            seeds: parseSeeds(options.seeds),
            subsetSize: options.subset === undefined ? null : parseIntegerOption('--subset', options.subset, { min: 1 }),
            votes: parseIntegerOption('--votes', options.votes, { min: 1, max: 16 }),
            debate: parseDebate(options.debate),
            sampling: {
              temperature: parseNumberOption('--temperature', options.temperature, { min: 0, max: 2 }),
              topP: parseNumberOption('--top-p', options.topP, { min: 0.01, max: 1 }),
              maxTokens: parseIntegerOption('--max-tokens', options.maxTokens, { min: 1, max: 32_768 })
            },
            questionConcurrency: parseIntegerOption('--concurrency', options.concurrency, { min: 1, max: 64 }),
            ...(options.model ? { modelPath: endpointNameOf(options.model) === null ? resolve(options.model) : options.model } : {}),
            ...(options.name ? { name: options.name } : {}),
            start: false
          })
          evaluationId = view.id
          io.err(`evaluation ${evaluationId}: ${view.name}, ${view.itemCount} items, ${view.unitCount} units to compute`)
        }

        const before = workbench.evaluations.view(evaluationId)
        let status: string = before.status
        if (before.status !== 'completed') {
          const { jobId, done } = workbench.evaluations.start(evaluationId)
          status = await followJob(workbench, jobId, done, io)
          const after = workbench.evaluations.view(evaluationId)
          io.err(`evaluation ${evaluationId} ${after.status}: ${after.storedUnits}/${after.unitCount} units, ${after.completeItems}/${after.itemCount} items complete`)
          if (status === 'failed') throw new AppError('internal', after.error ?? workbench.jobs.get(jobId)?.error?.message ?? `evaluation ${evaluationId} failed`)
        }

        const format = options.format as 'markdown' | 'csv' | 'json'
        const table = workbench.evaluations.exportTable([evaluationId], { format })
        io.stdout.write(table.content)
        if (options.out) {
          const markdown = format === 'markdown' ? table.content : workbench.evaluations.exportTable([evaluationId], { format: 'markdown' }).content
          const file = resultsFile(workbench.evaluations.get(evaluationId), workbench.evaluations.results(evaluationId), markdown)
          writeFileSync(options.out, `${JSON.stringify(file, null, 2)}\n`)
          io.err(`results written to ${options.out}`)
        }
        if (status !== 'completed') process.exitCode = 130
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
      adapters: {
        generator: adapterToken(configuration.resolved.generator),
        verifier: adapterToken(configuration.resolved.verifier),
        refiner: adapterToken(configuration.resolved.refiner)
      },
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

const roleNames: Record<string, Role> = { generator: 'generator', g: 'generator', verifier: 'verifier', v: 'verifier', refiner: 'refiner', r: 'refiner' }

/** `generator=3,verifier=4,refiner=base` → { generator: 3, verifier: 4, refiner: null }. */
function parseRoleAdapters(flag: string, text: string): Partial<Record<Role, number | null>> {
  const out: Partial<Record<Role, number | null>> = {}
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [rawRole, rawValue] = part.split('=').map((s) => s.trim())
    const role = roleNames[(rawRole ?? '').toLowerCase()]
    if (!role || rawValue === undefined || rawValue === '') {
      throw new AppError('invalid_input', `${flag}: '${part}' is not role=ID (roles: generator, verifier, refiner)`, { field: flag })
    }
    if (role in out) throw new AppError('invalid_input', `${flag}: the ${role} is given twice`, { field: flag })
    out[role] = rawValue === 'base' || rawValue === 'none' ? null : parseIntegerOption(`${flag} ${role}`, rawValue, { min: 1 })
  }
  return out
}

function parseSeeds(text: string): number[] {
  const seeds = text.split(',').map((s) => s.trim()).filter(Boolean)
  if (seeds.length === 0) throw new AppError('invalid_input', '--seeds: give at least one seed, e.g. 0,1,2,3', { field: '--seeds' })
  return seeds.map((seed) => parseIntegerOption('--seeds', seed, { min: 0 }))
}

function parseDebate(text: string): { agents: number; rounds: number } {
  const match = /^(\d+)x(\d+)$/i.exec(text.trim())
  if (!match) throw new AppError('invalid_input', `--debate: '${text}' is not AGENTSxROUNDS, e.g. 3x3`, { field: '--debate' })
  return {
    agents: parseIntegerOption('--debate agents', match[1]!, { min: 1, max: 8 }),
    rounds: parseIntegerOption('--debate rounds', match[2]!, { min: 1, max: 8 })
  }
}

/** A dataset by name (with its test split by default), or a JSONL file imported under its file name. */
async function resolveBenchmark(workbench: Workbench, nameOrFile: string, split: string | undefined, io: CliIo): Promise<{ datasetId: number; split: string }> {
  const byName = workbench.datasets.list().find((dataset) => dataset.name === nameOrFile)
  if (byName) {
    if (split) return { datasetId: byName.id, split }
    const splits = byName.splits.map((s) => s.split)
    const chosen = ['test', 'dev', 'validation'].find((s) => splits.includes(s)) ?? (splits.length === 1 ? splits[0] : undefined)
    if (!chosen) throw new AppError('invalid_input', `dataset '${nameOrFile}' has splits ${splits.join(', ')}; choose one with --split`, { field: 'split' })
    return { datasetId: byName.id, split: chosen }
  }
  if (!existsSync(nameOrFile)) throw new AppError('not_found', `no dataset named '${nameOrFile}' and no such file`, { field: 'benchmark' })
  const guess = guessDatasetOfPath(nameOrFile.split(/[\\/]/).slice(-2).join('/'))
  if (guess.suggestedFormat === 'jsonl') {
    throw new AppError('invalid_input', `cannot tell the format of ${nameOrFile}; import it first with malt import --format …`, { field: 'benchmark' })
  }
  const report = await workbench.datasets.importFile(nameOrFile, { name: guess.suggestedName, format: guess.suggestedFormat, ...(split ? { split } : {}) })
  io.err(`dataset ${report.name}/${report.split}: ${report.added} added, ${report.unchanged} already there`)
  return { datasetId: report.datasetId, split: report.split }
}
