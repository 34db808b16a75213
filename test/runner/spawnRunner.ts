import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { venvPython } from '../../src/main/adapters/python/PythonRunner'
import { RunnerProcess } from '../../src/main/adapters/python/RunnerProcess'
import { repoRoot } from '../support/paths'

export const pythonDir = join(repoRoot, 'resources', 'python')
export const tinyGguf = join(repoRoot, '.models', 'tiny', 'tiny-llama.gguf')

/** The runner's venv interpreter; a missing venv or model fails the test loudly instead of skipping it. */
export function runnerPython(): string {
  const python = venvPython(process.env.MALT_PYTHON_VENV ?? join(pythonDir, '.venv'))
  if (!existsSync(python)) throw new Error(`no Python venv at ${python}: run scripts/setup-python.sh first`)
  if (!existsSync(tinyGguf)) throw new Error(`the tiny test model ${tinyGguf} is missing: run scripts/make_tiny_llama.py`)
  return python
}

export type RunnerRun = RunnerProcess & { stderr(): string }

/**
 * Spawns `python <args>` in resources/python through the app's own {@link RunnerProcess} (the PythonRunner adapter's
 * process layer), which validates every stdout line against the event schema.
 */
export function spawnRunner(args: string[]): RunnerRun {
  const run = new RunnerProcess({ python: runnerPython(), args, cwd: pythonDir }) as RunnerRun
  run.stderr = () => run.stderrTail()
  return run
}
