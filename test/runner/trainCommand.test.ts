import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/main/cli/runCli'
import { captureIo } from '../support/captureIo'
import { tinyModelPath } from '../support/models'
import { makeTempDir } from '../support/paths'
import { seedRun } from '../support/seedRun'
import { runnerPython } from './spawnRunner'

/** `malt train` with the real runner on the tiny GGUF (CPU): progress on stderr, adapter paths on stdout. */
describe('malt train (real runner)', () => {
  let temp: ReturnType<typeof makeTempDir>
  let db: string
  let runId: number

  beforeAll(async () => {
    runnerPython()
    temp = makeTempDir()
    db = join(temp.dir, 'w.sqlite')
    ;({ runId } = await seedRun({ databasePath: db, limit: 6, branching: 3 }))
  })
  afterAll(() => temp.cleanup())

  async function run(args: string[]) {
    const io = captureIo()
    const code = await runCli(args, io)
    return { code, out: io.outText(), err: io.errText() }
  }
  const quick = ['--base-model', tinyModelPath(), '--batch-size', '2', '--max-length', '512', '--rank', '4', '--alpha', '8', '--device', 'cpu']

  it('trains one SFT job: progress with step/total and loss on stderr, the adapter path on stdout', async () => {
    const result = await run(['train', '--db', db, '--run', String(runId), '--role', 'verifier', '--stage', 'sft', '--max-steps', '2', ...quick])
    expect(result.code, result.err).toBe(0)
    const lines = result.out.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/adapter\.gguf$/)
    expect(existsSync(lines[0]!)).toBe(true)
    expect(result.err).toMatch(/^job \d+: run \d+ · verifier SFT, \d+ examples$/m)
    expect(result.err).toMatch(/2\/2 steps \(100%\)/)
    expect(result.err).toMatch(/loss \d+\.\d{4}/)

    const adapters = await run(['adapters', '--db', db, '--role', 'verifier'])
    expect(adapters.code).toBe(0)
    expect(adapters.out).toMatch(new RegExp(`^\\d+\\tverifier\\tsft\\trun ${runId}\\tok\\t${lines[0]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\t`))
  })

  it('a DPO job for that role starts from its SFT adapter', async () => {
    const result = await run(['train', '--db', db, '--run', String(runId), '--role', 'verifier', '--stage', 'dpo', '--max-steps', '1', '--beta', '0.3', ...quick.filter((_, i, all) => !['--rank', '--alpha'].includes(all[i]!) && !['--rank', '--alpha'].includes(all[i - 1]!))])
    expect(result.code, result.err).toBe(0)
    expect(result.out.trim()).toMatch(/adapter\.gguf$/)
    expect(result.err).toMatch(/verifier DPO, \d+ pairs/)
  })

  it('runs the STaR preset as a plan and prints the three adapter paths', async () => {
    const result = await run(['train', '--db', db, '--run', String(runId), '--preset', 'star', '--max-steps', '1', ...quick])
    expect(result.code, result.err).toBe(0)
    expect(result.err).toMatch(/^plan \d+ \(star\): job \d+ generator SFT, job \d+ verifier SFT, job \d+ refiner SFT$/m)
    const paths = result.out.trim().split('\n')
    expect(paths).toHaveLength(3)
    for (const path of paths) expect(existsSync(path)).toBe(true)
  })

  it('trains under accelerate launch with one CPU process; the launcher flags need --launcher accelerate', async () => {
    const result = await run([
      'train', '--db', db, '--run', String(runId), '--role', 'refiner', '--stage', 'sft', '--max-steps', '2', ...quick,
      '--launcher', 'accelerate', '--num-processes', '1', '--eval-fraction', '0.25'
    ])
    expect(result.code, result.err).toBe(0)
    const path = result.out.trim()
    expect(path).toMatch(/adapter\.gguf$/)
    expect(existsSync(path)).toBe(true)
    const jobs = await run(['train', '--db', db, '--run', String(runId), '--role', 'refiner', '--stage', 'sft', '--launcher', 'none', '--num-processes', '2'])
    expect(jobs.code).toBe(1)
    expect(jobs.err).toContain('--num-processes and --accelerate-config need --launcher accelerate')
  })

  it('a failing job exits 1 with one line naming the job and its log', async () => {
    // 16 tokens cannot hold any prompt: the runner refuses the data.
    const result = await run(['train', '--db', db, '--run', String(runId), '--role', 'generator', '--stage', 'sft', '--max-steps', '1', ...quick, '--max-length', '16'])
    expect(result.code).toBe(1)
    expect(result.out).toBe('')
    const last = result.err.trim().split('\n').at(-1)!
    expect(last).toMatch(/^error: job \d+ \(generator SFT\) failed: bad training data: .*max_length 16.*\(log: .*runner\.log\)$/)
  })

  it('training-env reports a ready environment', async () => {
    const result = await run(['training-env'])
    expect(result.code, result.err).toBe(0)
    expect(result.out).toMatch(/^python\t3\.\d+/m)
    expect(result.out).toMatch(/^package\ttorch\t/m)
    expect(result.out).toContain('ready\tyes')
  })
})
