import type { TrainingEnvironmentView } from '@shared/api/schemas/training'
import { AppError } from '@shared/errors'
import type { EventBus } from '../EventBus'
import type { JobManager } from '../JobManager'
import type { RunnerInspection, TrainingRunner } from '../ports/TrainingRunner'

interface SetupState {
  jobId: string
  checkOnly: boolean
  startedAt: string
  exitCode: number | null
  log: string
  done: Promise<void>
}

const maxSetupLogChars = 200_000

/**
 * The runner's Python environment: what it has and lacks (the last check is kept for cheap polling), and the setup
 * script run as a job whose log is kept. Nothing installs unless setup is asked for.
 */
export class TrainingEnvironment {
  private setupState: SetupState | null = null
  private inspection: RunnerInspection | null = null

  constructor(
    private readonly runner: TrainingRunner,
    private readonly jobs: JobManager,
    private readonly events: EventBus,
    /** The training job running in this process, if any: setting the environment up waits for it to end. */
    private readonly runningJobId: () => number | null
  ) {}

  /** The runner's environment and the last setup job; `refresh: false` answers from the last check (cheap, for polling). */
  async environment(options: { requireCuda?: boolean; refresh?: boolean } = {}): Promise<TrainingEnvironmentView> {
    if (options.refresh !== false || !this.inspection || options.requireCuda) {
      this.inspection = await this.runner.inspect({ requireCuda: options.requireCuda === true })
    }
    const inspection = this.inspection
    const setup = this.setupState
    return {
      ready: inspection.problems.length === 0 && inspection.report !== null,
      venvPath: inspection.venvPath,
      pythonPath: inspection.pythonPath,
      problems: inspection.problems,
      report: inspection.report,
      error: inspection.problems.length > 0 ? { code: 'environment_missing', message: inspection.problems.join('; ') } : null,
      setup: setup
        ? {
            jobId: setup.jobId,
            checkOnly: setup.checkOnly,
            status: this.jobs.get(setup.jobId)?.status ?? 'completed',
            startedAt: setup.startedAt,
            exitCode: setup.exitCode,
            log: setup.log
          }
        : null,
      setupCommand: this.runner.setupCommand
    }
  }

  /** Runs the setup script as a job whose output is kept (nothing installs without this being asked for). */
  setup(options: { checkOnly?: boolean } = {}): { jobId: string; done: Promise<void> } {
    const checkOnly = options.checkOnly === true
    if (this.setupState && this.jobs.get(this.setupState.jobId)?.status === 'running') {
      throw new AppError('conflict', 'the training environment is already being set up')
    }
    const running = this.runningJobId()
    if (!checkOnly && running !== null) {
      throw new AppError('conflict', `training job ${running} is running; set the environment up once it has ended`)
    }
    const state: SetupState = { jobId: '', checkOnly, startedAt: new Date().toISOString(), exitCode: null, log: '', done: Promise.resolve() }
    let lines = 0
    const { job, done } = this.jobs.start(
      { kind: 'setup', title: checkOnly ? 'Check the training environment' : 'Set up the training environment', unit: 'lines' },
      async (context) => {
        let pending = ''
        const { exitCode } = await this.runner.setup({
          checkOnly,
          signal: context.signal,
          onOutput: (chunk, stream) => {
            state.log = (state.log + chunk).slice(-maxSetupLogChars)
            if (stream !== 'stderr') return
            pending += chunk
            const complete = pending.split('\n')
            pending = complete.pop() ?? ''
            for (const line of complete) {
              if (line.trim() === '') continue
              lines++
              context.log('info', line)
            }
            context.progress(lines)
          }
        })
        state.exitCode = exitCode
        if (exitCode !== 0 && !context.signal.aborted) {
          const last = state.log.trim().split('\n').filter((line) => line.includes('setup-python')).at(-1) ?? state.log.trim().split('\n').at(-1) ?? ''
          throw new AppError('environment_missing', `${this.runner.setupCommand}${checkOnly ? ' --check' : ''} exited with code ${exitCode}: ${last}`)
        }
      }
    )
    state.jobId = job.id
    state.done = done.finally(() => {
      this.inspection = null
      this.events.changed('training-environment')
    })
    this.setupState = state
    return { jobId: job.id, done: state.done }
  }

  /** Resolves once the last setup job has ended. */
  async settled(): Promise<void> {
    if (this.setupState) await this.setupState.done.catch(() => undefined)
  }
}
