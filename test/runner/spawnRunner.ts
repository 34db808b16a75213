import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { repoRoot } from '../support/paths'
import { runnerEventSchema, type RunnerEvent } from './runnerEvents'

export const pythonDir = join(repoRoot, 'resources', 'python')
export const tinyGguf = join(repoRoot, '.models', 'tiny', 'tiny-llama.gguf')

/** The runner's venv interpreter; a missing venv or model fails the test loudly instead of skipping it. */
export function runnerPython(): string {
  const python = join(process.env.MALT_PYTHON_VENV ?? join(pythonDir, '.venv'), 'bin', 'python')
  if (!existsSync(python)) throw new Error(`no Python venv at ${python}: run scripts/setup-python.sh first`)
  if (!existsSync(tinyGguf)) throw new Error(`the tiny test model ${tinyGguf} is missing: run scripts/make_tiny_llama.py`)
  return python
}

export interface RunnerExit {
  code: number | null
  signal: NodeJS.Signals | null
}

export interface RunnerRun {
  child: ChildProcess
  /** Every stdout line, parsed and validated, in order. */
  events: RunnerEvent[]
  /** stdout lines that were not valid events (must stay empty: stdout carries only events). */
  badLines: string[]
  stderr(): string
  /** Resolves with the first event (already received or future) that matches. */
  waitForEvent(predicate: (event: RunnerEvent) => boolean): Promise<RunnerEvent>
  exit: Promise<RunnerExit>
}

/** Spawns `python <args>` in resources/python, the way the app does, and parses its stdout as JSON-line events. */
export function spawnRunner(args: string[]): RunnerRun {
  const child = spawn(runnerPython(), args, { cwd: pythonDir, stdio: ['ignore', 'pipe', 'pipe'] })
  const events: RunnerEvent[] = []
  const badLines: string[] = []
  const waiters: { predicate: (event: RunnerEvent) => boolean; resolve: (event: RunnerEvent) => void }[] = []
  let stderr = ''
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const lines = createInterface({ input: child.stdout! })
  lines.on('line', (line) => {
    let event: RunnerEvent
    try {
      event = runnerEventSchema.parse(JSON.parse(line))
    } catch (error) {
      badLines.push(`${line}  <-- ${String(error).slice(0, 400)}`)
      return
    }
    events.push(event)
    for (const waiter of waiters.filter((w) => w.predicate(event))) {
      waiters.splice(waiters.indexOf(waiter), 1)
      waiter.resolve(event)
    }
  })
  const stdoutClosed = new Promise<void>((resolve) => lines.on('close', resolve))
  const exit = new Promise<RunnerExit>((resolve) => {
    child.on('exit', (code, signal) => void stdoutClosed.then(() => resolve({ code, signal })))
  })
  return {
    child,
    events,
    badLines,
    stderr: () => stderr,
    exit,
    waitForEvent(predicate) {
      const seen = events.find(predicate)
      if (seen) return Promise.resolve(seen)
      return new Promise<RunnerEvent>((resolve, reject) => {
        waiters.push({ predicate, resolve })
        void exit.then(({ code, signal }) => {
          if (!events.some(predicate)) {
            reject(new Error(`runner exited (code ${code}, signal ${signal}) before the awaited event; stderr:\n${stderr.slice(-3000)}`))
          }
        })
      })
    }
  }
}
