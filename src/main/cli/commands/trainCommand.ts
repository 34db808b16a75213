import { resolve } from 'node:path'
import type { Command } from 'commander'
import { Option } from 'commander'
import { roleSchema } from '@shared/api/schemas/common'
import { poolingSchema } from '@shared/api/schemas/runs'
import type { TrainingJobView, TrainingOptionsInput } from '@shared/api/schemas/training'
import { trainingPresetSchema, trainingStageSchema } from '@shared/api/schemas/training'
import { AppError } from '@shared/errors'
import { Workbench } from '../../app/Workbench'
import type { CliIo } from '../CliIo'
import { dbOptionDescription, dbOptionFlags, withWorkbench } from '../openWorkbench'
import { parseIntegerOption, parseNumberOption } from '../parseOptions'
import { progressLine } from '../progressLine'

interface TrainOptions {
  db?: string
  run?: string
  role?: string
  stage?: string
  preset?: string
  continueOnFailure?: boolean
  maxSteps?: string
  rank?: string
  alpha?: string
  lr?: string
  epochs?: string
  batchSize?: string
  maxLength?: string
  beta?: string
  threshold?: string
  pooling?: string
  baseModel?: string
  device?: string
  gradientCheckpointing?: string
  evalFraction?: string
  earlyStoppingPatience?: string
  launcher?: string
  numProcesses?: string
  accelerateConfig?: string
}

const endedStatuses = new Set(['completed', 'failed', 'cancelled', 'skipped'])

/**
 * `malt train`: one SFT or DPO job for a role of a run, or a whole preset (MALT, STaR) as one plan, through the same
 * TrainingService as the app. Progress goes to stderr, the adapter path(s) to stdout; a failure is one line and exit 1.
 */
export function registerTrainCommand(program: Command, io: CliIo): void {
  program
    .command('train')
    .description("LoRA training of a run's roles with the Python runner: one SFT/DPO job, or the MALT/STaR preset")
    .option(dbOptionFlags, dbOptionDescription)
    .requiredOption('--run <id>', 'generation run whose labelled outputs are the training data')
    .addOption(new Option('--role <role>', 'role to train (with --stage)').choices(roleSchema.options))
    .addOption(new Option('--stage <stage>', 'sft, or dpo (starts from the role’s SFT adapter of this run)').choices(trainingStageSchema.options))
    .addOption(new Option('--preset <preset>', 'malt: G SFT; V SFT→DPO; R SFT→DPO. star: SFT ×3').choices(trainingPresetSchema.options).conflicts(['role', 'stage']))
    .option('--continue-on-failure', 'with --preset: a failed step does not stop the independent later steps')
    .option('--max-steps <n>', 'optimizer steps (overrides --epochs)')
    .option('--rank <r>', 'LoRA rank for SFT (default 16)')
    .option('--alpha <a>', 'LoRA alpha for SFT (default 32)')
    .option('--lr <rate>', 'peak learning rate (default 1e-4 for SFT, 1e-5 for DPO)')
    .option('--epochs <n>', 'epochs (default 1)')
    .option('--batch-size <n>', 'examples per step (default 8, as in the paper)')
    .option('--max-length <tokens>', 'tokens of prompt + completion (default 1024)')
    .option('--beta <b>', 'DPO β (default 0.2, as in the paper)')
    .option('--threshold <θ>', 'credit threshold: ✓ iff value > θ (default 0.5)')
    .addOption(new Option('--pooling <pooling>', 'credit pooling (default global)').choices(poolingSchema.options))
    .option('--base-model <file>', 'GGUF to train on (default: the run’s model)')
    .addOption(new Option('--device <device>', 'auto (CUDA when present), cpu or cuda').choices(['auto', 'cpu', 'cuda']))
    .addOption(
      new Option('--gradient-checkpointing <when>', 'auto (only when the GPU memory needs it; never on the CPU), on or off').choices(['auto', 'on', 'off'])
    )
    .option('--eval-fraction <share>', 'hold out this share of the training set (0–0.5) and log its loss as eval_loss')
    .option('--early-stopping-patience <n>', 'with --eval-fraction: stop after n evaluations without a better eval_loss, keep the best adapter')
    .addOption(new Option('--launcher <launcher>', 'accelerate: run the runner under accelerate launch (several GPUs)').choices(['none', 'accelerate']))
    .option('--num-processes <n>', 'with --launcher accelerate: processes, one per GPU (default 1)')
    .option('--accelerate-config <file>', 'with --launcher accelerate: an accelerate config file (FSDP, DeepSpeed, several machines)')
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
        const runId = parseIntegerOption('--run', options.run ?? '', { min: 1 })
        const trainingOptions = trainingOptionsOf(options)
        let jobs: TrainingJobView[]
        let cancelTarget: { jobId: number } | { planId: number }
        if (options.preset) {
          if (options.rank !== undefined || options.alpha !== undefined) {
            // The preset's DPO steps keep their SFT adapter's rank: rank and alpha apply to its SFT steps only.
            io.err('note: --rank/--alpha apply to the SFT steps; DPO steps keep their SFT adapter’s')
          }
          const plan = await workbench.training.enqueuePreset({
            runId,
            preset: trainingPresetSchema.parse(options.preset),
            options: trainingOptions,
            continueOnFailure: options.continueOnFailure === true
          })
          io.err(`plan ${plan.id} (${plan.preset}): ${plan.jobs.map((job) => `job ${job.id} ${job.role} ${job.stage.toUpperCase()}`).join(', ')}`)
          jobs = plan.jobs
          cancelTarget = { planId: plan.id }
        } else {
          if (!options.role || !options.stage) {
            throw new AppError('invalid_input', 'train needs --role and --stage, or --preset', { field: options.role ? 'stage' : 'role' })
          }
          if (options.continueOnFailure) throw new AppError('invalid_input', '--continue-on-failure applies to --preset only', { field: 'continue-on-failure' })
          const job = await workbench.training.enqueue({
            runId,
            role: roleSchema.parse(options.role),
            stage: trainingStageSchema.parse(options.stage),
            options: trainingOptions
          })
          io.err(`job ${job.id}: ${job.name}, ${job.trainExamples ?? 0} ${job.stage === 'sft' ? 'examples' : 'pairs'}`)
          jobs = [job]
          cancelTarget = { jobId: job.id }
        }

        const ended = await followTraining(workbench, jobs.map((job) => job.id), cancelTarget, io)
        const failures: string[] = []
        for (const job of ended) {
          if (job.status === 'completed' && job.adapterId !== null) {
            const adapter = workbench.training.get(job.id).adapter
            if (adapter) io.out(adapter.ggufPath)
            continue
          }
          const detail = workbench.training.get(job.id)
          const why = firstLine(job.error ?? job.status)
          failures.push(`job ${job.id} (${job.role} ${job.stage.toUpperCase()}) ${job.status}: ${why}${job.status === 'failed' && detail.logPath ? ` (log: ${detail.logPath})` : ''}`)
        }
        if (failures.length > 0) {
          const cancelled = ended.every((job) => job.status === 'completed' || job.status === 'cancelled' || job.status === 'skipped')
          if (cancelled && ended.some((job) => job.status === 'cancelled')) process.exitCode = 130
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
    .action(async (options: { db?: string; role?: string }) => {
      await withWorkbench(options, (workbench) => {
        const adapters = workbench.training.adapterViews(options.role ? { role: roleSchema.parse(options.role) } : {})
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
          const { jobId, done } = workbench.training.setup()
          const unsubscribe = workbench.events.subscribe((event) => {
            if (event.type === 'log' && event.jobId === jobId) io.err(event.message)
          })
          try {
            await done.catch(() => undefined)
          } finally {
            unsubscribe()
          }
          const job = workbench.jobs.get(jobId)
          if (job?.status === 'failed') throw new AppError('environment_missing', job.error?.message ?? 'the setup failed')
        }
        const environment = await workbench.training.environment({ requireCuda: options.cuda === true })
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

function trainingOptionsOf(options: TrainOptions): TrainingOptionsInput {
  const integer = (flag: string, text: string | undefined, min = 1) => (text === undefined ? undefined : parseIntegerOption(flag, text, { min }))
  const number = (flag: string, text: string | undefined, range: { min?: number; max?: number }) =>
    text === undefined ? undefined : parseNumberOption(flag, text, range)
  const threshold = number('--threshold', options.threshold, { min: 0, max: 1 })
  const result: TrainingOptionsInput = {
    ...(options.baseModel ? { baseModelPath: options.baseModel } : {}),
    ...(threshold !== undefined || options.pooling
      ? { credit: { ...(threshold !== undefined ? { threshold } : {}), ...(options.pooling ? { pooling: poolingSchema.parse(options.pooling) } : {}) } }
      : {}),
    ...(options.device ? { device: options.device as 'auto' | 'cpu' | 'cuda' } : {})
  }
  const set = <K extends keyof TrainingOptionsInput>(key: K, value: TrainingOptionsInput[K] | undefined) => {
    if (value !== undefined) result[key] = value
  }
  set('maxSteps', integer('--max-steps', options.maxSteps))
  set('rank', integer('--rank', options.rank))
  set('alpha', number('--alpha', options.alpha, { min: 0.000001 }))
  set('learningRate', number('--lr', options.lr, { min: 1e-12, max: 1 }))
  set('epochs', integer('--epochs', options.epochs))
  set('batchSize', integer('--batch-size', options.batchSize))
  set('maxLength', integer('--max-length', options.maxLength, 16))
  set('beta', number('--beta', options.beta, { min: 1e-9, max: 10 }))
  if (options.gradientCheckpointing) set('gradientCheckpointing', options.gradientCheckpointing === 'auto' ? 'auto' : options.gradientCheckpointing === 'on')
  set('evalFraction', number('--eval-fraction', options.evalFraction, { min: 0, max: 0.5 }))
  set('earlyStoppingPatience', integer('--early-stopping-patience', options.earlyStoppingPatience))
  if (options.launcher) set('launcher', options.launcher === 'accelerate' ? 'accelerate' : 'none')
  set('numProcesses', integer('--num-processes', options.numProcesses))
  if (options.accelerateConfig !== undefined) set('accelerateConfig', resolve(options.accelerateConfig))
  if ((options.numProcesses !== undefined || options.accelerateConfig !== undefined) && options.launcher !== 'accelerate') {
    throw new AppError('invalid_input', '--num-processes and --accelerate-config need --launcher accelerate', { field: 'launcher' })
  }
  return result
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
  const unsubscribe = workbench.events.subscribe((event) => {
    if (event.type !== 'job.updated' || !ids.has(Number(event.job.subject.trainingJobId))) return
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
    workbench.training.cancel(cancelTarget)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    for (;;) {
      const views = trainingJobIds.map((id) => workbench.training.view(id))
      if (views.every((view) => endedStatuses.has(view.status))) return views
      // Idle here means this process has nothing left to run; another process may still hold the queue, so look again.
      await Promise.race([workbench.training.whenIdle(), new Promise((resolve) => setTimeout(resolve, 2_000))])
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
