import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../src/main/cli/runCli'
import { captureIo } from '../../support/captureIo'
import { tinyModelPath } from '../../support/models'
import { makeTempDir } from '../../support/paths'
import { seedRun } from '../../support/seedRun'

/**
 * `malt train`, `malt adapters` and `malt training-env` without training anything: usage, validation and a missing
 * venv. The real runs are in test/runner/trainCommand.test.ts.
 */
describe('malt train, adapters, training-env (no runner)', () => {
  let temp: ReturnType<typeof makeTempDir>
  let db: string
  let runId: number
  const savedVenv = process.env.MALT_PYTHON_VENV

  beforeAll(async () => {
    temp = makeTempDir()
    db = join(temp.dir, 'w.sqlite')
    ;({ runId } = await seedRun({ databasePath: db, limit: 2, branching: 2 }))
    // The runner reads the venv from here at each call: point it at nothing.
    process.env.MALT_PYTHON_VENV = join(temp.dir, 'no-venv')
  })
  afterAll(() => {
    if (savedVenv === undefined) delete process.env.MALT_PYTHON_VENV
    else process.env.MALT_PYTHON_VENV = savedVenv
    temp.cleanup()
  })

  async function run(args: string[]) {
    const io = captureIo()
    const code = await runCli(args, io)
    return { code, out: io.outText(), err: io.errText() }
  }

  it('--help lists both forms and the options', async () => {
    const result = await run(['train', '--help'])
    expect(result.code).toBe(0)
    for (const flag of ['--run', '--role', '--stage', '--preset', '--continue-on-failure', '--max-steps', '--rank', '--alpha', '--lr', '--epochs', '--batch-size', '--beta', '--threshold', '--pooling', '--base-model']) {
      expect(result.out).toContain(flag)
    }
    expect((await run(['adapters', '--help'])).code).toBe(0)
    expect((await run(['training-env', '--help'])).code).toBe(0)
  })

  it('refuses a job without a stage, a bad number and a preset with a role, in one line', async () => {
    const noStage = await run(['train', '--db', db, '--run', String(runId), '--role', 'generator'])
    expect(noStage.code).toBe(1)
    expect(noStage.err).toBe("error: field 'stage': train needs --role and --stage, or --preset\n")
    const badSteps = await run(['train', '--db', db, '--run', String(runId), '--role', 'generator', '--stage', 'sft', '--max-steps', 'many'])
    expect(badSteps.err).toBe("error: --max-steps: 'many' is not an integer\n")
    const both = await run(['train', '--db', db, '--run', String(runId), '--preset', 'malt', '--role', 'generator'])
    expect(both.code).not.toBe(0)
    expect(both.err).toContain("option '--preset <preset>' cannot be used with option '--role <role>'")
  })

  it('without a venv, train fails with environment_missing and no job is queued; training-env says what is missing', async () => {
    const result = await run(['train', '--db', db, '--run', String(runId), '--role', 'generator', '--stage', 'sft', '--max-steps', '1', '--base-model', tinyModelPath()])
    expect(result.code).toBe(1)
    expect(result.out).toBe('')
    expect(result.err.trim().split('\n')).toHaveLength(1)
    expect(result.err).toContain(`no Python virtual environment at ${join(temp.dir, 'no-venv')}`)
    expect(result.err).toContain('setup-python.sh')

    const env = await run(['training-env'])
    expect(env.code).toBe(1)
    expect(env.out).toContain(`venv\t${join(temp.dir, 'no-venv')} (missing)`)
    expect(env.out).toContain('ready\tno')
    expect(env.err).toMatch(/^error: no Python virtual environment .*malt training-env --setup/)
    expect(existsSync(join(temp.dir, 'no-venv'))).toBe(false)
  })

  it('adapters: none yet', async () => {
    const result = await run(['adapters', '--db', db])
    expect(result.code).toBe(0)
    expect(result.out).toBe('')
    expect(result.err).toBe('no adapters yet (malt train --help)\n')
  })
})
