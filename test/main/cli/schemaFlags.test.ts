import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { InvalidInputError } from '@shared/errors/InvalidInputError'
import { dispatchCall } from '../../../src/main/api/dispatchCall'
import { Workbench } from '../../../src/main/app/Workbench'
import { runCli } from '../../../src/main/cli/runCli'
import { captureIo } from '../../support/captureIo'
import { makeTempDir, sharedDataFile } from '../../support/paths'

/**
 * The CLI's flags are checked by the API contract, not by the CLI: `generate`, `eval` and `train` call the same
 * handlers as IPC and serve mode, their help shows the schema's ranges and defaults, and a value out of range is
 * refused with the flag named. `--top-p` once had a CLI-only minimum of 0.01 while the schema said `> 0`.
 */
describe('CLI flags from the contract', () => {
  let temp: ReturnType<typeof makeTempDir>
  let db: string

  beforeAll(async () => {
    temp = makeTempDir()
    db = join(temp.dir, 'w.sqlite')
    expect(await runCli(['import', '--db', db, '--format', 'gsm8k', '--file', sharedDataFile('gsm8k/test.jsonl'), '--name', 'gsm8k'], captureIo())).toBe(0)
  })
  afterAll(() => temp.cleanup())

  async function run(args: string[]) {
    const io = captureIo()
    const code = await runCli(args, io)
    return { code, out: io.outText(), err: io.errText() }
  }

  it.each([
    ['generate', ['--top-p <p> nucleus sampling (> 0 and ≤ 1, default: 1)', '--branching <n> branching factor n (n + n² + n³ nodes per question) (integer 1–8, default: 3)', '--temperature <t> sampling temperature (the paper uses 0.3) (0–2, default: 0.3)']],
    ['eval', ['--top-p <p> nucleus sampling (> 0 and ≤ 1, default: 1)', '--votes <k> k of MV@k for the voting presets (integer 1–16, default: 3)', '--seeds <list>']],
    ['train', ['--beta <b> DPO β (0.2 in the paper) (> 0 and ≤ 10, default: 0.2)', '--threshold <θ> credit threshold: ✓ iff value > θ (0–1, default: 0.5)']]
  ])('%s --help shows the schema’s ranges and defaults', async (command, expected) => {
    const help = await run([command, '--help'])
    expect(help.code).toBe(0)
    const text = help.out.replace(/\s+/g, ' ')
    for (const line of expected) expect(text).toContain(line)
  })

  it('--top-p 0 is refused naming the flag and the schema’s bound, and nothing is created', async () => {
    const refused = await run(['generate', '--db', db, '--dataset', 'gsm8k', '--split', 'test', '--limit', '1', '--top-p', '0'])
    expect(refused.code).toBe(1)
    expect(refused.err).toBe('error: --top-p: 0 is not above 0\n')
    const evalRefused = await run(['eval', '--db', db, '--benchmark', 'gsm8k', '--configs', 'sa', '--top-p', '0'])
    expect(evalRefused.err).toBe('error: --top-p: 0 is not above 0\n')
    const runs = await run(['runs', '--db', db])
    expect(runs.out).toBe('')
  })

  it('--top-p 0.005, which the CLI used to refuse, passes the contract and reaches the service', async () => {
    // The split does not exist, so the service refuses the run after the contract has accepted every flag.
    const result = await run(['generate', '--db', db, '--dataset', 'gsm8k', '--model', join(temp.dir, 'm.gguf'), '--split', 'nope', '--top-p', '0.005'])
    expect(result.code).toBe(1)
    expect(result.err).toBe("error: field 'split': dataset 'gsm8k' has no split 'nope'\n")
  })

  it('the same payload over the API is refused with the field, the bound and the value', async () => {
    const workbench = Workbench.open({ databasePath: db, dataFolder: null, transport: 'cli' })
    try {
      const refusal = dispatchCall(workbench.handlers, 'runs.create', { datasetId: 1, sampling: { topP: 0 }, start: false })
      await expect(refusal).rejects.toBeInstanceOf(InvalidInputError)
      await expect(refusal).rejects.toMatchObject({ code: 'invalid_input', field: 'sampling.topP', expected: '> 0', actual: 0 })
    } finally {
      await workbench.dispose()
    }
  })

  it('a flag of the wrong type says so before anything opens', async () => {
    const result = await run(['eval', '--db', db, '--benchmark', 'gsm8k', '--configs', 'sa', '--votes', 'three'])
    expect(result.err).toBe("error: --votes: 'three' is not an integer\n")
    const range = await run(['eval', '--db', db, '--benchmark', 'gsm8k', '--configs', 'sa', '--debate', '9x3'])
    expect(range.err).toBe('error: --debate: 9 is above 8\n')
  })
})
