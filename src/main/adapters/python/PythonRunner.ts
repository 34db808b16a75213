import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { RunnerEnvironmentReport } from '@shared/api/schemas/training'
import { runnerEnvironmentReportSchema } from '@shared/api/schemas/training'
import { AppError } from '@shared/errors'
import { CancelledError } from '@shared/errors/CancelledError'
import type { RunnerInspection, SetupRequest, TrainingRunner, TrainRequest } from '../../services/ports/TrainingRunner'
import type { BadLine, RunnerExit } from './RunnerProcess'
import { RunnerProcess } from './RunnerProcess'
import type { ErrorEvent, FinishedEvent } from '../../services/ports/runnerEvents'

export interface PythonRunnerOptions {
  /** The folder holding the `malt_runner` package; the runner's working directory. */
  pythonDir: string
  /** scripts/setup-python.sh. */
  setupScript: string
  /**
   * The venv folder. Defaults to `MALT_PYTHON_VENV` (read at each call), else `<pythonDir>/.venv`, as the setup
   * script does.
   */
  venvDir?: string
  /** How long a cancelled runner may take to stop at its step boundary before SIGKILL. Defaults to `30_000` ms. */
  killGraceMs?: number
  /** The environment of spawned processes. Defaults to this process's. */
  env?: NodeJS.ProcessEnv
}

/** Lines of the log quoted in a failure message. */
const logLinesInErrors = 25

/** The interpreter inside a venv folder. */
export function venvPython(venvDir: string): string {
  return process.platform === 'win32' ? join(venvDir, 'Scripts', 'python.exe') : join(venvDir, 'bin', 'python')
}

/**
 * The bundled Python training runner (resources/python/README.md): finds the venv's interpreter, spawns
 * `python -m malt_runner train --config job.json` in resources/python, streams its validated JSON-line events, keeps
 * stderr as the job log, cancels with SIGTERM (then SIGKILL), and turns every way a job can end without `finished`
 * into an AppError that says why, with the end of the log.
 */
export class PythonRunner implements TrainingRunner {
  constructor(private readonly options: PythonRunnerOptions) {}

  get setupCommand(): string {
    return `bash ${this.options.setupScript}`
  }

  venvDir(): string {
    return resolve(this.options.venvDir ?? this.env().MALT_PYTHON_VENV ?? join(this.options.pythonDir, '.venv'))
  }

  assertInterpreter(): void {
    const python = venvPython(this.venvDir())
    if (!existsSync(python)) throw new AppError('environment_missing', this.noVenvMessage())
  }

  async inspect(options: { requireCuda?: boolean; signal?: AbortSignal } = {}): Promise<RunnerInspection> {
    const venvPath = this.venvDir()
    const python = venvPython(venvPath)
    if (!existsSync(python)) return { venvPath, pythonPath: null, report: null, problems: [this.noVenvMessage()] }
    const { code, stdout, stderr, spawnError } = await this.capture(python, ['-m', 'malt_runner', 'env'], this.options.pythonDir, options.signal)
    if (spawnError) return { venvPath, pythonPath: python, report: null, problems: [`cannot start ${python}: ${spawnError.message}`] }
    let report: RunnerEnvironmentReport
    try {
      report = runnerEnvironmentReportSchema.parse(JSON.parse(stdout.trim().split('\n').at(-1) ?? ''))
    } catch {
      const why = lastLines(stderr, 8) || stdout.slice(0, 500) || '(no output)'
      return {
        venvPath,
        pythonPath: python,
        report: null,
        problems: [`'python -m malt_runner env' did not report (exit code ${code}): ${why}`]
      }
    }
    return { venvPath, pythonPath: python, report, problems: problemsOf(report, options.requireCuda === true, this.setupCommand) }
  }

  async environment(options: { requireCuda?: boolean; signal?: AbortSignal } = {}): Promise<RunnerEnvironmentReport> {
    const inspection = await this.inspect(options)
    if (inspection.problems.length > 0 || !inspection.report) {
      throw new AppError('environment_missing', `the training environment is not ready: ${inspection.problems.join('; ')}`)
    }
    return inspection.report
  }

  async train(request: TrainRequest): Promise<FinishedEvent> {
    this.assertInterpreter()
    if (request.signal?.aborted) throw new CancelledError('cancelled before the runner started')
    const process_ = new RunnerProcess({
      python: venvPython(this.venvDir()),
      args: ['-m', 'malt_runner', 'train', '--config', request.configPath, ...launcherArgs(request.launcher)],
      cwd: this.options.pythonDir,
      env: this.env(),
      logPath: request.logPath
    })
    const grace = this.options.killGraceMs ?? 30_000
    let protocolError: BadLine | null = null
    let listenerError: unknown = null
    let cancelled = false
    process_.onBadLine((bad) => {
      protocolError ??= bad
      process_.terminate(2_000)
    })
    process_.onEvent((event) => {
      if (listenerError !== null) return
      try {
        request.onEvent(event)
      } catch (error) {
        listenerError = error
        process_.terminate(2_000)
      }
    })
    const onAbort = () => {
      cancelled = true
      process_.terminate(grace)
    }
    request.signal?.addEventListener('abort', onAbort, { once: true })
    let exit: RunnerExit
    try {
      exit = await process_.exit
    } finally {
      request.signal?.removeEventListener('abort', onAbort)
    }
    const tail = lastLines(process_.stderrTail(), logLinesInErrors)
    const withLog = (message: string) => (tail ? `${message}\n--- last lines of the runner log (${request.logPath}) ---\n${tail}` : message)

    if (exit.spawnError) throw new AppError('environment_missing', `cannot start the runner's Python: ${exit.spawnError.message}`)
    if (listenerError !== null) throw listenerError
    if (protocolError !== null) {
      const bad = protocolError as BadLine
      throw new AppError('runner_failed', withLog(`protocol error: stdout line ${bad.lineNumber} is ${bad.problem}: ${clip(bad.line, 600)}`))
    }
    const last = process_.events.at(-1)
    if (last?.type === 'finished' && exit.code === 0) return last
    if (last?.type === 'error') throw errorOfEvent(last, withLog)
    if (cancelled) throw new CancelledError(`cancelled (the runner did not stop within ${Math.round(grace / 1000)} s and was killed)`)
    const how = exit.signal
      ? `was killed by ${exit.signal}${exit.signal === 'SIGKILL' ? ' (by the system when out of memory, or by a person)' : ''}`
      : `exited with code ${exit.code}`
    throw new AppError('runner_failed', withLog(`the runner ${how} without a 'finished' event`))
  }

  async setup(request: SetupRequest): Promise<{ exitCode: number | null }> {
    const child = spawn('bash', [this.options.setupScript, ...(request.checkOnly ? ['--check'] : [])], {
      cwd: this.options.pythonDir,
      // The script must set up the venv this runner trains with, which may not be the script's default.
      env: { ...this.env(), MALT_PYTHON_VENV: this.venvDir() },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => request.onOutput(chunk, 'stdout'))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => request.onOutput(chunk, 'stderr'))
    const onAbort = () => child.kill('SIGTERM')
    request.signal?.addEventListener('abort', onAbort, { once: true })
    try {
      return await new Promise((resolvePromise, reject) => {
        child.once('error', (error) => reject(new AppError('environment_missing', `cannot run ${this.setupCommand}: ${error.message}`)))
        child.once('close', (code) => resolvePromise({ exitCode: code }))
      })
    } finally {
      request.signal?.removeEventListener('abort', onAbort)
    }
  }

  private env(): NodeJS.ProcessEnv {
    return this.options.env ?? process.env
  }

  private noVenvMessage(): string {
    const venv = this.venvDir()
    return `no Python virtual environment at ${venv} (no ${venvPython(venv)}): run ${this.setupCommand}, or Set up on the Setup page`
  }

  private capture(
    python: string,
    args: string[],
    cwd: string,
    signal?: AbortSignal
  ): Promise<{ code: number | null; stdout: string; stderr: string; spawnError?: Error }> {
    return new Promise((resolvePromise) => {
      const child = spawn(python, args, { cwd, env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] })
      let stdout = ''
      let stderr = ''
      let spawnError: Error | undefined
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-20_000)))
      child.on('error', (error) => (spawnError ??= error))
      const onAbort = () => child.kill('SIGTERM')
      signal?.addEventListener('abort', onAbort, { once: true })
      child.on('close', (code) => {
        signal?.removeEventListener('abort', onAbort)
        resolvePromise({ code, stdout, stderr, ...(spawnError ? { spawnError } : {}) })
      })
    })
  }
}

/** The runner's own flags for `accelerate launch` (resources/python/README.md, "Several GPUs and machines"). */
export function launcherArgs(launcher: TrainRequest['launcher']): string[] {
  if (!launcher) return []
  return [
    '--launcher',
    launcher.kind,
    '--num-processes',
    String(launcher.numProcesses),
    ...(launcher.configFile ? ['--accelerate-config', launcher.configFile] : [])
  ]
}

/** What stops training, read from the env report. */
function problemsOf(report: RunnerEnvironmentReport, requireCuda: boolean, setupCommand: string): string[] {
  const problems: string[] = []
  if (!report.python_ok) problems.push(`Python ${report.python_version} is too old: the runner needs 3.10 or newer`)
  if (report.missing.length > 0) {
    const pins = report.packages.filter((p) => report.missing.includes(p.name)).map((p) => `${p.name}==${p.required}`)
    problems.push(`missing packages: ${(pins.length > 0 ? pins : report.missing).join(', ')} (run ${setupCommand})`)
  }
  if (report.mismatched.length > 0) {
    const described = report.packages.filter((p) => report.mismatched.includes(p.name)).map((p) => `${p.name} ${p.installed} (needs ${p.required})`)
    problems.push(`other versions installed: ${(described.length > 0 ? described : report.mismatched).join(', ')} (run ${setupCommand})`)
  }
  if (report.torch_version === null && report.torch_error) problems.push(`PyTorch cannot be imported: ${report.torch_error}`)
  if (requireCuda && !report.cuda_available) {
    problems.push(`no CUDA device visible to PyTorch (torch ${report.torch_version ?? 'missing'}): training on 'cuda' needs an NVIDIA GPU and a CUDA build of torch`)
  }
  if (problems.length === 0 && !report.ok) problems.push('the runner reports its environment as not ready (see the report)')
  return problems
}

function errorOfEvent(event: ErrorEvent, withLog: (message: string) => string): AppError {
  switch (event.kind) {
    case 'cancelled':
      return new CancelledError(event.step === null || event.step === undefined ? 'cancelled before training started' : `cancelled after step ${event.step}`)
    case 'bad_config':
      return new AppError('invalid_input', `the runner refused the config: ${event.message}`, event.field ? { field: event.field } : undefined)
    case 'bad_data':
      return new AppError('bad_file', `bad training data: ${event.message}`, {
        ...(event.file ? { file: event.file } : {}),
        ...(event.line !== null && event.line !== undefined ? { line: event.line } : {})
      })
    case 'oom':
      return new AppError('runner_failed', withLog(`out of memory: ${event.message} (try a smaller batch size or max length)`))
    case 'internal':
      return new AppError('runner_failed', withLog(`the runner failed: ${event.exception ? `${event.exception}: ` : ''}${event.message}`))
  }
}

function lastLines(text: string, count: number): string {
  return text.replace(/\r/g, '\n').split('\n').filter((line) => line.trim() !== '').slice(-count).join('\n')
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text
}
