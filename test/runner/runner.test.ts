import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTempDir } from '../support/paths'
import type { RunnerEvent } from './runnerEvents'
import { spawnRunner, tinyGguf } from './spawnRunner'

/**
 * The real Python runner spawned from Node on the tiny GGUF, on the CPU: what the app's PythonRunner adapter relies on
 * (JSON-line events only on stdout, exit codes, cancellation). Run with `npx vitest run --project runner`.
 */
const EXIT_CANCELLED = 3
const system = { role: 'system', content: 'You are a careful math solver.' }

function sftLines(n: number): string {
  return Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      prompt: [system, { role: 'user', content: `What is ${i} times 3?` }],
      completion: [{ role: 'assistant', content: `${i} * 3 = ${3 * i}. Final Answer: ${3 * i}` }],
      meta: { node: i }
    })
  ).join('\n')
}

describe('python training runner (spawned)', () => {
  let tmp: ReturnType<typeof makeTempDir>
  let trainFile: string

  beforeAll(() => {
    tmp = makeTempDir('malt-runner-')
    trainFile = join(tmp.dir, 'sft.jsonl')
    writeFileSync(trainFile, sftLines(8))
  })
  afterAll(() => tmp.cleanup())

  function writeConfig(name: string, overrides: Record<string, unknown>): string {
    const path = join(tmp.dir, `${name}.json`)
    const config = {
      method: 'sft',
      base_model: tinyGguf,
      train_file: trainFile,
      output_dir: join(tmp.dir, name),
      rank: 4,
      alpha: 8,
      batch_size: 2,
      max_length: 64,
      gradient_checkpointing: false,
      ...overrides
    }
    writeFileSync(path, JSON.stringify(config))
    return path
  }

  it('runs a short SFT and reports it as JSON-line events, exit code 0', async () => {
    const run = spawnRunner(['-m', 'malt_runner', 'train', '--config', writeConfig('sft', { max_steps: 3, save_steps: 2 })])
    const exit = await run.exit
    expect(run.badLines).toEqual([])
    expect(exit, run.stderr().slice(-3000)).toEqual({ code: 0, signal: null })

    const types = run.events.map((e) => e.type)
    expect(types).toEqual([
      'started',
      'data', // nothing cut: max_length 64 holds every example
      'plan',
      'progress',
      'progress', 'metrics',
      'progress', 'metrics', 'checkpoint',
      'progress', 'metrics', 'checkpoint', // the Trainer also saves at the last step
      'finished'
    ])
    const progress = run.events.filter((e): e is Extract<RunnerEvent, { type: 'progress' }> => e.type === 'progress')
    expect(progress.map((p) => [p.step, p.total_steps])).toEqual([[0, 3], [1, 3], [2, 3], [3, 3]])
    for (const event of run.events) {
      if (event.type !== 'metrics') continue
      for (const key of ['loss', 'learning_rate', 'grad_norm', 'mean_token_accuracy', 'perf/tokens_per_second']) {
        expect(event[key], key).toEqual(expect.any(Number))
      }
    }
    const finished = run.events.at(-1)
    if (finished?.type !== 'finished') throw new Error('no finished event')
    expect(finished.steps).toBe(3)
    expect(finished.train_tokens).toBeGreaterThan(0)
    expect(finished.tokens_per_second).toBeGreaterThan(0)
    expect(existsSync(join(finished.adapter_dir, 'adapter_model.safetensors'))).toBe(true)
    expect(existsSync(finished.gguf_path!)).toBe(true)
    const checkpoint = run.events.find((e) => e.type === 'checkpoint')
    expect(checkpoint?.type === 'checkpoint' && existsSync(checkpoint.path)).toBe(true)
  })

  it('reports a bad config as a bad_config error naming the field, exit code 1', async () => {
    const run = spawnRunner(['-m', 'malt_runner', 'train', '--config', writeConfig('bad', { batch_size: 0 })])
    const exit = await run.exit
    expect(run.badLines).toEqual([])
    expect(exit).toEqual({ code: 1, signal: null })
    expect(run.events).toHaveLength(1)
    expect(run.events[0]).toMatchObject({ type: 'error', kind: 'bad_config', field: 'batch_size' })
    expect(run.events[0]?.type === 'error' && run.events[0].message).toContain('batch_size must be an integer >= 1, got 0')
  })

  it('reports an unknown key and a missing config file as bad_config', async () => {
    const unknown = spawnRunner(['-m', 'malt_runner', 'train', '--config', writeConfig('typo', { epochs: 2 })])
    const missing = spawnRunner(['-m', 'malt_runner', 'train', '--config', join(tmp.dir, 'nope.json')])
    const usage = spawnRunner(['-m', 'malt_runner', 'train'])
    for (const run of [unknown, missing, usage]) {
      expect((await run.exit).code).toBe(1)
      expect(run.badLines).toEqual([])
      expect(run.events).toEqual([expect.objectContaining({ type: 'error', kind: 'bad_config' })])
    }
    expect(unknown.events[0]).toMatchObject({ field: 'epochs' })
  })

  it('reports malformed data as bad_data with the file and line', async () => {
    const badFile = join(tmp.dir, 'bad.jsonl')
    writeFileSync(badFile, `${sftLines(2)}\n{"prompt": [}\n`)
    const run = spawnRunner(['-m', 'malt_runner', 'train', '--config', writeConfig('baddata', { train_file: badFile })])
    expect((await run.exit).code).toBe(1)
    expect(run.badLines).toEqual([])
    expect(run.events).toEqual([expect.objectContaining({ type: 'error', kind: 'bad_data', file: badFile, line: 3 })])
  })

  it('a SIGKILL mid-run is seen as a failure: killed by the signal, no finished event', async () => {
    const run = spawnRunner(['-m', 'malt_runner', 'train', '--config', writeConfig('killed', { max_steps: 500 })])
    await run.waitForEvent((e) => e.type === 'progress' && e.step >= 1)
    run.child.kill('SIGKILL')
    const exit = await run.exit
    expect(exit).toEqual({ code: null, signal: 'SIGKILL' })
    expect(run.events.some((e) => e.type === 'finished')).toBe(false)
    expect(run.badLines).toEqual([])
  })

  it('SIGTERM during training stops at the next step boundary: cancelled event, exit code 3', async () => {
    const run = spawnRunner(['-m', 'malt_runner', 'train', '--config', writeConfig('cancelled', { max_steps: 500 })])
    await run.waitForEvent((e) => e.type === 'progress' && e.step >= 1)
    run.child.kill('SIGTERM')
    const exit = await run.exit
    expect(exit, run.stderr().slice(-3000)).toEqual({ code: EXIT_CANCELLED, signal: null })
    expect(run.badLines).toEqual([])
    const last = run.events.at(-1)
    expect(last).toMatchObject({ type: 'error', kind: 'cancelled' })
    const lastStep = Math.max(...run.events.filter((e) => e.type === 'progress').map((e) => e.step))
    expect(last?.type === 'error' && last.step).toBe(lastStep) // it stopped at a step boundary
    expect(lastStep).toBeLessThan(500)
    expect(run.events.some((e) => e.type === 'finished')).toBe(false)
    expect(existsSync(join(tmp.dir, 'cancelled', 'adapter'))).toBe(false)
  })

  it('SIGTERM while the model loads cancels at once', async () => {
    const run = spawnRunner(['-m', 'malt_runner', 'train', '--config', writeConfig('early', { max_steps: 500 })])
    await run.waitForEvent((e) => e.type === 'started')
    run.child.kill('SIGTERM')
    const exit = await run.exit
    expect(exit).toEqual({ code: EXIT_CANCELLED, signal: null })
    expect(run.events.map((e) => e.type)).toEqual(['started', 'error'])
    expect(run.events[1]).toMatchObject({ kind: 'cancelled', step: null })
  })
})
