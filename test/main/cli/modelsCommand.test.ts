import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli } from '../../../src/main/cli/runCli'
import { captureIo } from '../../support/captureIo'
import { makeTempDir } from '../../support/paths'

/** `malt models add-endpoint | endpoints | check-endpoint | remove-endpoint` on a real store (no server needed). */
describe('malt models … endpoints', () => {
  let temp: ReturnType<typeof makeTempDir>
  let db: string
  beforeEach(() => {
    temp = makeTempDir()
    db = join(temp.dir, 'w.sqlite')
  })
  afterEach(() => {
    delete process.env.MALT_TEST_SECRET_KEY
    temp.cleanup()
  })

  const add = (...extra: string[]) => ['models', 'add-endpoint', '--db', db, '--name', 'vllm', '--base-url', 'http://127.0.0.1:65535/v1', '--served-model', 'qwen', ...extra]

  it('registers, lists, makes default and removes an endpoint; the key stays in its variable', async () => {
    process.env.MALT_TEST_SECRET_KEY = 'sk-never-print-me'
    const io = captureIo()
    const code = await runCli(
      add('--api-key-env', 'MALT_TEST_SECRET_KEY', '--role-adapter', 'generator=malt-g', '--role-adapter', 'verifier=malt-v', '--max-in-flight', '16', '--use'),
      io
    )
    expect(io.errText()).toContain('endpoint:vllm is now the default model')
    expect(code).toBe(0)
    expect(io.outText().trim()).toBe('vllm\thttp://127.0.0.1:65535/v1\tqwen\tserved-name\tG=malt-g V=malt-v R=base\tkey from $MALT_TEST_SECRET_KEY\tendpoint:vllm')

    const list = captureIo()
    expect(await runCli(['models', 'endpoints', '--db', db], list)).toBe(0)
    expect(list.outText().trim().split('\n')).toHaveLength(1)
    expect(list.outText() + list.errText() + io.outText() + io.errText()).not.toContain('sk-never-print-me')

    // Nothing listens there: the check says so, naming the address, and exits 1.
    const check = captureIo()
    expect(await runCli(['models', 'check-endpoint', '--db', db, '--name', 'vllm'], check)).toBe(1)
    expect(check.errText()).toMatch(/error: endpoint 'vllm' is not ready: cannot reach http:\/\/127\.0\.0\.1:65535\/v1: connect ECONNREFUSED/)
    expect(check.outText() + check.errText()).not.toContain('sk-never-print-me')

    const remove = captureIo()
    expect(await runCli(['models', 'remove-endpoint', '--db', db, '--name', 'vllm'], remove)).toBe(0)
    const again = captureIo()
    expect(await runCli(['models', 'remove-endpoint', '--db', db, '--name', 'vllm'], again)).toBe(1)
    expect(again.errText()).toContain("no endpoint named 'vllm'")
  })

  it('refuses bad flags with one line naming the flag', async () => {
    const cases: [string[], RegExp][] = [
      [['--lora-style', 'llama-server', '--role-adapter', 'verifier=malt-v'], /^error: --role-adapter: the verifier's adapter: llama-server adapters are numbered from 0/],
      [['--role-adapter', 'critic=c'], /^error: --role-adapter: 'critic=c' is not ROLE=NAME_OR_ID/],
      [['--role-adapter', 'generator=a', '--role-adapter', 'generator=b'], /^error: --role-adapter: the generator is given twice/],
      [['--max-in-flight', '0'], /^error: --max-in-flight: /],
      [['--lora-style', 'magic'], /^error: --lora-style: /],
      [['--api-key-env', 'sk-abc'], /^error: --api-key-env: an environment variable name/]
    ]
    for (const [extra, expected] of cases) {
      const io = captureIo()
      expect(await runCli(add(...extra), io)).toBe(1)
      expect(io.errText().trim()).toMatch(expected)
      expect(io.errText().trim().split('\n')).toHaveLength(1)
    }
    const badUrl = captureIo()
    expect(await runCli(['models', 'add-endpoint', '--db', db, '--name', 'x', '--base-url', 'http://u:p@h/v1', '--served-model', 'm'], badUrl)).toBe(1)
    expect(badUrl.errText()).toMatch(/^error: --base-url: the base URL must be an http\(s\) URL without credentials/)
  })
})
