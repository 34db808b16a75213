import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, type WriteStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { runnerEventSchema, type RunnerEvent } from '../../services/ports/runnerEvents'

export interface RunnerProcessOptions {
  /** The interpreter (the venv's python). */
  python: string
  args: string[]
  /** The folder holding the malt_runner package (resources/python). */
  cwd: string
  /** Defaults to this process's environment. */
  env?: NodeJS.ProcessEnv
  /** stderr is appended to this file as it arrives (the job log). Defaults to none. */
  logPath?: string | null
  /** Characters of stderr kept in memory. Defaults to 64 Ki. */
  tailChars?: number
}

export interface RunnerExit {
  code: number | null
  signal: NodeJS.Signals | null
  /** Set when the interpreter could not be started at all (ENOENT, EACCES). */
  spawnError?: Error
}

/** A stdout line that is not a valid event: the runner broke its protocol. */
export interface BadLine {
  /** 1-based line number on stdout. */
  lineNumber: number
  line: string
  problem: string
}

const defaultTailChars = 64 * 1024

/**
 * One spawned `python -m malt_runner …` process. stdout must carry only JSON-line events
 * (resources/python/README.md, "Event protocol"): each line is validated with zod and handed to the listeners in
 * order; a line that fails is a {@link BadLine}. stderr is the job log: appended to `logPath` and its tail kept.
 * `exit` resolves once the process has exited and both streams are drained, so every event has been delivered.
 */
export class RunnerProcess {
  readonly child: ChildProcess
  /** Every valid event, in order. */
  readonly events: RunnerEvent[] = []
  readonly badLines: BadLine[] = []
  readonly exit: Promise<RunnerExit>
  private tail = ''
  private readonly tailChars: number
  private readonly eventListeners = new Set<(event: RunnerEvent) => void>()
  private readonly badLineListeners = new Set<(bad: BadLine) => void>()
  private readonly stderrListeners = new Set<(chunk: string) => void>()
  private killTimer: ReturnType<typeof setTimeout> | null = null
  private exited = false

  constructor(options: RunnerProcessOptions) {
    this.tailChars = options.tailChars ?? defaultTailChars
    this.child = spawn(options.python, options.args, {
      cwd: options.cwd,
      env: { ...(options.env ?? process.env), PYTHONUNBUFFERED: '1' },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const log: WriteStream | null = options.logPath ? createWriteStream(options.logPath, { flags: 'a' }) : null
    log?.on('error', () => undefined) // a log that cannot be written must not take the job down; the tail stays
    let spawnError: Error | undefined
    this.child.on('error', (error) => (spawnError ??= error))

    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      log?.write(chunk)
      this.tail = (this.tail + chunk).slice(-this.tailChars)
      for (const listener of this.stderrListeners) listener(chunk)
    })
    const lines = createInterface({ input: this.child.stdout!, crlfDelay: Infinity })
    let lineNumber = 0
    lines.on('line', (line) => {
      lineNumber++
      if (line.trim() === '') return
      const event = parseEvent(line)
      if ('problem' in event) {
        const bad = { lineNumber, line, problem: event.problem }
        this.badLines.push(bad)
        for (const listener of this.badLineListeners) listener(bad)
        return
      }
      this.events.push(event.event)
      for (const listener of this.eventListeners) listener(event.event)
    })
    const stdoutClosed = new Promise<void>((resolve) => lines.on('close', resolve))
    const stderrClosed = new Promise<void>((resolve) => this.child.stderr!.on('close', resolve))
    this.exit = new Promise<RunnerExit>((resolve) => {
      this.child.on('close', (code, signal) => {
        this.exited = true
        if (this.killTimer) clearTimeout(this.killTimer)
        void Promise.all([stdoutClosed, stderrClosed]).then(async () => {
          if (log) await new Promise<void>((done) => log.end(done))
          resolve({ code, signal, ...(spawnError ? { spawnError } : {}) })
        })
      })
    })
  }

  onEvent(listener: (event: RunnerEvent) => void): void {
    this.eventListeners.add(listener)
  }

  onBadLine(listener: (bad: BadLine) => void): void {
    this.badLineListeners.add(listener)
  }

  onStderr(listener: (chunk: string) => void): void {
    this.stderrListeners.add(listener)
  }

  /** The last part of stderr (at most `tailChars` characters). */
  stderrTail(): string {
    return this.tail
  }

  /** Resolves with the first event (already received or future) that matches; rejects if the process ends first. */
  waitForEvent(predicate: (event: RunnerEvent) => boolean): Promise<RunnerEvent> {
    const seen = this.events.find(predicate)
    if (seen) return Promise.resolve(seen)
    return new Promise<RunnerEvent>((resolve, reject) => {
      const listener = (event: RunnerEvent) => {
        if (!predicate(event)) return
        this.eventListeners.delete(listener)
        resolve(event)
      }
      this.eventListeners.add(listener)
      void this.exit.then(({ code, signal }) => {
        if (!this.events.some(predicate)) {
          reject(new Error(`runner exited (code ${code}, signal ${signal}) before the awaited event; stderr:\n${this.tail.slice(-3000)}`))
        }
      })
    })
  }

  /**
   * Asks the runner to stop: SIGTERM makes it stop at the next optimizer step (or at once while loading) and exit 3;
   * if it is still alive after `graceMs` it is killed with SIGKILL.
   */
  terminate(graceMs: number): void {
    if (this.exited) return
    this.child.kill('SIGTERM')
    this.killTimer ??= setTimeout(() => {
      if (!this.exited) this.child.kill('SIGKILL')
    }, graceMs)
  }

  /** SIGKILL at once. */
  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL')
  }
}

function parseEvent(line: string): { event: RunnerEvent } | { problem: string } {
  let json: unknown
  try {
    json = JSON.parse(line)
  } catch (error) {
    return { problem: `not JSON (${(error as Error).message})` }
  }
  const parsed = runnerEventSchema.safeParse(json)
  if (parsed.success) return { event: parsed.data }
  const issues = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`)
  return { problem: `not a valid runner event (${issues.join('; ')})` }
}
