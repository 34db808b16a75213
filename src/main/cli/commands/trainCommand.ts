import { resolve } from 'node:path'
import type { Command } from 'commander'
import { Option } from 'commander'
import { roleSchema } from '@shared/api/schemas/common'
import type { EnqueueTrainingInput, TrainingJobView } from '@shared/api/schemas/training'
import { enqueueTrainingInputSchema, trainingPresetSchema, trainingStageSchema } from '@shared/api/schemas/training'
import { AppError } from '@shared/errors'
import { InvalidInputError } from '@shared/errors/InvalidInputError'
import type { Role } from '@shared/roles'
import { Workbench } from '../../app/Workbench'
import type { CliIo } from '../CliIo'
import { jobEnded } from '../followJob'
import { dbOptionDescription, dbOptionFlags, withWorkbench } from '../openWorkbench'
import { progressLine } from '../progressLine'
import { SchemaFlags } from '../SchemaFlags'

/** The flags that fill a job's (or a preset's) training options; the contract's schema holds defaults and ranges. */
const trainingFlags = new SchemaFlags(enqueueTrainingInputSchema, {
  '--run <id>': { field: 'runId', description: 'generation run whose labelled outputs are the training data', required: true },
  '--max-steps <n>': { field: 'options.maxSteps', description: 'optimizer steps (overrides --epochs)' },
  '--rank <r>': { field: 'options.rank', description: 'LoRA rank for SFT', defaultHelp: '16' },
  '--alpha <a>': { field: 'options.alpha', description: 'LoRA alpha for SFT', defaultHelp: '32' },
  '--lr <rate>': { field: 'options.learningRate', description: 'peak learning rate', defaultHelp: '1e-4 for SFT, 1e-5 for DPO' },
  '--epochs <n>': { field: 'options.epochs', description: 'epochs' },
  '--batch-size <n>': { field: 'options.batchSize', description: 'examples per step (8 in the paper)' },
  '--max-length <tokens>': { field: 'options.maxLength', description: 'tokens of prompt + completion' },
  '--beta <b>': { field: 'options.beta', description: 'DPO β (0.2 in the paper)' },
  '--threshold <θ>': { field: 'options.credit.threshold', description: 'credit threshold: ✓ iff value > θ' },
  '--pooling <pooling>': { field: 'options.credit.pooling', description: 'credit pooling' },
  '--base-model <file>': { field: 'options.baseModelPath', description: 'GGUF to train on', defaultHelp: 'the run’s model' },
  '--device <device>': { field: 'options.device', description: 'auto (CUDA when present), cpu or cuda' },
  '--gradient-checkpointing <when>': {
    field: 'options.gradientCheckpointing',
    description: 'auto (only when the GPU memory needs it; never on the CPU), on or off',
    parse: (text, flag) => {
      if (text === 'auto') return 'auto'
      if (text === 'on' || text === 'off') return text === 'on'
      throw new InvalidInputError(`${flag} must be auto, on or off, got '${text}'`, flag, 'auto, on or off', text)
    }
  },
  '--eval-fraction <share>': { field: 'options.evalFraction', description: 'share of the training set held out to log its loss as eval_loss' },
  '--early-stopping-patience <n>': {
    field: 'options.earlyStoppingPatience',
    description: 'with --eval-fraction: stop after n evaluations without a better eval_loss, keep the best adapter',
    defaultHelp: 'never'
  },
  '--launcher <launcher>': { field: 'options.launcher', description: 'accelerate: run the runner under accelerate launch (several GPUs)' },
  '--num-processes <n>': { field: 'options.numProcesses', description: 'with --launcher accelerate: processes, one per GPU' },
  '--accelerate-config <file>': {
    field: 'options.accelerateConfig',
    description: 'with --launcher accelerate: an accelerate config file (FSDP, DeepSpeed, several machines)',
    defaultHelp: 'none',
    parse: (text) => resolve(text)
  }
})

interface TrainOptions extends Record<string, unknown> {
  db?: string
  role?: Role
  stage?: 'sft' | 'dpo'
  preset?: 'malt' | 'star'
  continueOnFailure?: boolean
  rank?: string
  alpha?: string
  launcher?: string
  numProcesses?: string
  accelerateConfig?: string
}

const endedStatuses = new Set(['completed', 'failed', 'cancelled', 'skipped'])

/**
 * `malt train`: one SFT or DPO job for a role of a run, or a whole preset (MALT, STaR) as one plan, through the same
 * API as the app. Progress goes to stderr, the adapter path(s) to stdout; a failure is one line and exit 1.
 */
export function registerTrainCommand(program: Command, io: CliIo): void {
  const command = program
    .command('train')
    .description("LoRA training of a run's roles with the Python runner: one SFT/DPO job, or the MALT/STaR preset")
    .option(dbOptionFlags, dbOptionDescription)
    .addOption(new Option('--role <role>', 'role to train (with --stage)').choices(roleSchema.options))
    .addOption(new Option('--stage <stage>', 'sft, or dpo (starts from the role’s SFT adapter of this run)').choices(trainingStageSchema.options))
    .addOption(new Option('--preset <preset>', 'malt: G SFT; V SFT→DPO; R SFT→DPO. star: SFT ×3').choices(trainingPresetSchema.options).conflicts(['role', 'stage']))
    .option('--continue-on-failure', 'with --preset: a failed step does not stop the independent later steps')
  trainingFlags.addTo(command)
  command
    .addHelpText(
      'after',
      '\nPrints progress (step/total, loss, ETA) on stderr and each trained adapter’s GGUF path on stdout. Ctrl+C cancels.\n' +
        'Examples:\n' +
        '  malt train --db w.sqlite --run 1 --role generator --stage sft --max-steps 50\n' +
        '  malt train --db w.sqlite --run 1 --preset malt --continue-on-failure\n' +
        '  malt train --db w.sqlite --run 1 --preset malt --launcher accelerate --num-processes 8'
    )
    .action(async (options: TrainOptions) => {
      await withWorkbench(options, async (workbench) => {
        const api = workbench.api
        const { runId, options: trainingOptions } = trainingFlags.input(options) as Pick<EnqueueTrainingInput, 'runId' | 'options'>
        if ((options.numProcesses !== undefined || options.accelerateConfig !== undefined) && options.launcher !== 'accelerate') {
          throw new InvalidInputError('--num-processes and --accelerate-config need --launcher accelerate', 'launcher', 'accelerate', options.launcher ?? 'none')
        }
        let jobs: TrainingJobView[]
        let cancelTarget: { jobId: number } | { planId: number }
        if (options.preset) {
          if (options.rank !== undefined || options.alpha !== undefined) {
            // The preset's DPO steps keep their SFT adapter's rank: rank and alpha apply to its SFT steps only.
            io.err('note: --rank/--alpha apply to the SFT steps; DPO steps keep their SFT adapter’s')
          }
          const plan = await trainingFlags.call(() =>
            api.training.enqueuePreset({ runId, preset: options.preset!, ...(trainingOptions ? { options: trainingOptions } : {}), continueOnFailure: options.continueOnFailure === true })
          )
          io.err(`plan ${plan.id} (${plan.preset}): ${plan.jobs.map((job) => `job ${job.id} ${job.role} ${job.stage.toUpperCase()}`).join(', ')}`)
          jobs = plan.jobs
          cancelTarget = { planId: plan.id }
        } else {
          if (!options.role || !options.stage) {
            throw new AppError('invalid_input', 'train needs --role and --stage, or --preset', { field: options.role ? 'stage' : 'role' })
          }
          if (options.continueOnFailure) throw new AppError('invalid_input', '--continue-on-failure applies to --preset only', { field: 'continue-on-failure' })
          const job = await trainingFlags.call(() =>
            api.training.enqueue({ runId, role: options.role!, stage: options.stage!, ...(trainingOptions ? { options: trainingOptions } : {}) })
          )
          io.err(`job ${job.id}: ${job.name}, ${job.trainExamples ?? 0} ${job.stage === 'sft' ? 'examples' : 'pairs'}`)
          jobs = [job]
          cancelTarget = { jobId: job.id }
        }

        const ended = await followTraining(workbench, jobs.map((job) => job.id), cancelTarget, io)
        const failures: string[] = []
        for (const job of ended) {
          if (job.status === 'completed' && job.adapterId !== null) {
            const adapter = (await api.training.get({ jobId: job.id })).adapter
            if (adapter) io.out(adapter.ggufPath)
            continue
          }
          const detail = await api.training.get({ jobId: job.id })
          const why = firstLine(job.error ?? job.status)
          failures.push(`job ${job.id} (${job.role} ${job.stage.toUpperCase()}) ${job.status}: ${why}${job.status === 'failed' && detail.logPath ? ` (log: ${detail.logPath})` : ''}`)
        }
        if (failures.length > 0) {
          const cancelled = ended.every((job) => job.status === 'completed' || job.status === 'cancelled' || job.status === 'skipped')
          if (cancelled && ended.some((job) => job.status === 'cancelled')) io.interrupted?.()
          throw new AppError(cancelled ? 'cancelled' : 'runner_failed', failures.join('; '))
        }
      })
    })
}

/** `malt adapters`: one line per registered LoRA adapter, id first. */
export function registerAdaptersCommand(program: Command, io: CliIo): void {
  program
    .command('adapters')
    .description('list trained LoRA adapters: id, role, stage, run, on disk?, GGUF path, name')
    .option(dbOptionFlags, dbOptionDescription)
    .addOption(new Option('--role <role>', 'only this role’s adapters').choices(roleSchema.options))
    .action(async (options: { db?: string; role?: Role }) => {
      await withWorkbench(options, async (workbench) => {
        const adapters = await workbench.api.training.adapters(options.role ? { role: options.role } : undefined)
        if (adapters.length === 0) io.err('no adapters yet (malt train --help)')
        for (const adapter of adapters) {
          io.out(
            [adapter.id, adapter.role, adapter.stage ?? '-', adapter.runId === null ? '-' : `run ${adapter.runId}`, adapter.exists ? 'ok' : 'missing', adapter.ggufPath, adapter.name].join('\t')
          )
        }
      })
    })
}

/** `malt training-env`: the runner's environment report; `--setup` runs the setup script (the only thing that installs). */
export function registerTrainingEnvCommand(program: Command, io: CliIo): void {
  program
    .command('training-env')
    .description("report the training runner's Python environment (interpreter, pinned packages, CUDA); --setup installs")
    .option('--check', 'only report (the default); exit 1 when something is missing')
    .option('--cuda', 'also require a CUDA device')
    .option('--json', 'print the report as JSON')
    .addOption(new Option('--setup', 'create or update the venv with scripts/setup-python.sh, printing its log').conflicts(['check']))
    .action(async (options: { check?: boolean; cuda?: boolean; json?: boolean; setup?: boolean }) => {
      // No database is needed: an in-memory store keeps this command from creating or touching one.
      const workbench = Workbench.open({ databasePath: ':memory:', dataFolder: null, transport: 'cli' })
      try {
        if (options.setup) {
          let jobId = ''
          const unsubscribe = workbench.events.subscribe((event) => {
            if (event.type === 'log' && event.jobId === jobId) io.err(event.message)
          })
          try {
            jobId = (await workbench.api.training.setup({ checkOnly: false })).jobId
            const job = await jobEnded(workbench, jobId)
            if (job.status === 'failed') throw new AppError('environment_missing', job.error?.message ?? 'the setup failed')
          } finally {
            unsubscribe()
          }
        }
        const environment = await workbench.api.training.environment({ requireCuda: options.cuda === true })
        if (options.json) io.out(JSON.stringify(environment.report ?? { problems: environment.problems }))
        else {
          const report = environment.report
          io.out(`venv\t${environment.venvPath}${environment.pythonPath ? '' : ' (missing)'}`)
          if (report) {
            io.out(`python\t${report.python_version} (${report.python_executable})`)
            io.out(`torch\t${report.torch_version ?? `missing${report.torch_error ? `: ${report.torch_error}` : ''}`}`)
            io.out(`cuda\t${report.cuda_available ? `${report.cuda_version ?? 'yes'}: ${report.devices.map((device) => device.name).join(', ')}` : 'no (training runs on the CPU)'}`)
            for (const pkg of report.packages) io.out(`package\t${pkg.name}\t${pkg.installed ?? 'missing'}\t(needs ${pkg.required})${pkg.ok ? '' : '\tPROBLEM'}`)
          }
          io.out(`ready\t${environment.ready ? 'yes' : 'no'}`)
        }
        if (!environment.ready) {
          throw new AppError('environment_missing', `${environment.problems.join('; ')}${options.setup ? '' : ` (malt training-env --setup, or ${environment.setupCommand})`}`)
        }
      } finally {
        await workbench.dispose()
      }
    })
}

/**
 * Prints the progress of the given training jobs (at most every 2 s, or in place on a terminal) until each has
 * ended, and returns their final views. Ctrl+C cancels them (the running one stops at its next step).
 */
async function followTraining(
  workbench: Workbench,
  trainingJobIds: number[],
  cancelTarget: { jobId: number } | { planId: number },
  io: CliIo
): Promise<TrainingJobView[]> {
  const ids = new Set(trainingJobIds)
  let lastPrint = 0
  let wake: () => void = () => undefined
  const unsubscribe = workbench.events.subscribe((event) => {
    if (event.type === 'store.changed' && event.collection === 'training') wake()
    if (event.type !== 'job.updated' || !ids.has(Number(event.job.subject.trainingJobId))) return
    if (event.job.status !== 'running') wake()
    const now = Date.now()
    const final = event.job.status !== 'running'
    if (!final && now - lastPrint < (io.interactive ? 250 : 2000)) return
    lastPrint = now
    // Until the runner's first progress event the total is unknown: it is importing torch and loading the model.
    const line = event.job.total === null && event.job.done === 0 && !final ? `${event.job.title}: loading the model…` : progressLine(event.job)
    if (io.interactive) io.stderr.write(`\r\u001b[2K${line}${final ? '\n' : ''}`)
    else io.err(line)
  })
  const onSignal = () => {
    io.err('\ncancelling… (the running job stops at its next step)')
    void workbench.api.training.cancel(cancelTarget).catch(() => undefined)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    for (;;) {
      const changed = new Promise<void>((resolve) => (wake = resolve))
      const views = await Promise.all(trainingJobIds.map((jobId) => workbench.api.training.get({ jobId })))
      if (views.every((view) => endedStatuses.has(view.status))) return views
      // A change of the queue wakes this up at once; another process may hold the queue, so it also looks every 2 s.
      await Promise.race([changed, new Promise((resolve) => setTimeout(resolve, 2_000))])
    }
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    unsubscribe()
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim()
}
