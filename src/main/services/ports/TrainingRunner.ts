import type { RunnerEnvironmentReport } from '@shared/api/schemas/training'
import type { FinishedEvent, RunnerEvent } from './runnerEvents'

/** What is known about the runner's Python environment; `problems` is empty when training can start. */
export interface RunnerInspection {
  venvPath: string
  /** The venv's interpreter, or null when there is none. */
  pythonPath: string | null
  report: RunnerEnvironmentReport | null
  /** One sentence per missing thing: no venv, missing packages, no CUDA when asked for… */
  problems: string[]
}

export interface TrainRequest {
  /** The runner config (JSON) of the job. */
  configPath: string
  /** stderr is appended here. */
  logPath: string
  /** Every event, in order, as it arrives. A listener that throws stops the job. */
  onEvent(event: RunnerEvent): void
  /** Aborting asks the runner to stop at the next step (SIGTERM), and kills it after a grace period. */
  signal?: AbortSignal
  /**
   * Run the job under `accelerate launch` with this many processes (DDP; FSDP or DeepSpeed through the config file).
   * Defaults to one plain process.
   */
  launcher?: { kind: 'accelerate'; numProcesses: number; configFile?: string | null }
}

export interface SetupRequest {
  /** Only report (`--check`); installs nothing. */
  checkOnly: boolean
  /** The script's output as it arrives (stderr: its log; stdout: the JSON report). */
  onOutput(chunk: string, stream: 'stdout' | 'stderr'): void
  signal?: AbortSignal
}

/**
 * The training runner as the TrainingService needs it (resources/python/README.md). The implementation is
 * adapters/python/PythonRunner; tests may give a fake.
 */
export interface TrainingRunner {
  /** The interpreter check alone (no process): throws `environment_missing` when there is no venv. */
  assertInterpreter(): void
  /** Runs `python -m malt_runner env`; never throws, it reports problems. */
  inspect(options?: { requireCuda?: boolean; signal?: AbortSignal }): Promise<RunnerInspection>
  /** Like inspect, but throws `environment_missing` naming what is missing. */
  environment(options?: { requireCuda?: boolean; signal?: AbortSignal }): Promise<RunnerEnvironmentReport>
  /**
   * Runs one job to its end. Resolves with the `finished` event; throws an AppError otherwise: `cancelled`, the
   * runner's own error (bad config, bad data, out of memory…), or `runner_failed` for a crash, a kill, a non-zero exit
   * without `finished`, or a protocol error (a stdout line that is not an event, quoted), with the log's last lines.
   */
  train(request: TrainRequest): Promise<FinishedEvent>
  /** Runs scripts/setup-python.sh; resolves with its exit code. */
  setup(request: SetupRequest): Promise<{ exitCode: number | null }>
  /** The command a person can run instead. */
  readonly setupCommand: string
}
