import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli } from '../../../src/main/cli/runCli'
import { captureIo } from '../../support/captureIo'
import { makeTempDir, sharedDataFile } from '../../support/paths'

describe('malt import / malt datasets', () => {
  let temp: ReturnType<typeof makeTempDir>
  let db: string
  beforeEach(() => {
    temp = makeTempDir()
    db = join(temp.dir, 'w.sqlite')
  })
  afterEach(() => temp.cleanup())

  it('imports files and lists each dataset on one line with its question count', async () => {
    const io = captureIo()
    expect(await runCli(['import', '--db', db, '--format', 'gsm8k', '--file', sharedDataFile('gsm8k/test.jsonl'), '--name', 'gsm8k'], io)).toBe(0)
    expect(await runCli(['import', '--db', db, '--format', 'csqa', '--file', sharedDataFile('csqa/dev_rand_split.jsonl'), '--name', 'csqa'], io)).toBe(0)
    expect(io.outText()).toContain('imported test.jsonl into gsm8k/test: 1319 added, 0 unchanged, 0 skipped')
    const list = captureIo()
    expect(await runCli(['datasets', '--db', db], list)).toBe(0)
    const lines = list.outText().trim().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/^csqa\s+1221 questions\s+csqa\s+dev=1221$/)
    expect(lines[1]).toMatch(/^gsm8k\s+1319 questions\s+gsm8k\s+test=1319$/)
  })

  it('imports generic JSONL with a field mapping', async () => {
    const file = join(temp.dir, 'custom.jsonl')
    writeFileSync(file, [{ q: 'What is 2+2?', meta: { gold: 4 } }, { q: 'What is 3+3?', meta: { gold: 6 } }].map((r) => JSON.stringify(r)).join('\n'))
    const io = captureIo()
    const code = await runCli(['import', '--db', db, '--format', 'jsonl', '--file', file, '--name', 'mine', '--map', 'question=q,answer=meta.gold'], io)
    expect(io.errText()).toBe('')
    expect(code).toBe(0)
    expect(io.outText()).toContain('into mine/train: 2 added')
  })

  it('fails with one line naming file, line and field, and exit code 1', async () => {
    const file = join(temp.dir, 'bad.jsonl')
    writeFileSync(file, `${JSON.stringify({ question: 'ok', answer: '#### 1' })}\n${JSON.stringify({ question: 'no answer' })}\n`)
    const io = captureIo()
    expect(await runCli(['import', '--db', db, '--format', 'gsm8k', '--file', file, '--name', 'g'], io)).toBe(1)
    const err = io.errText().trim().split('\n')
    expect(err).toHaveLength(1)
    expect(err[0]).toBe(`error: ${file}:2 field 'answer': missing; nothing was imported`)
    const skip = captureIo()
    expect(await runCli(['import', '--db', db, '--format', 'gsm8k', '--file', file, '--name', 'g', '--skip-bad-lines'], skip)).toBe(0)
    expect(skip.outText()).toContain('1 added, 0 unchanged, 1 skipped')
    expect(skip.errText()).toContain("skipped bad.jsonl:2 field 'answer': missing")
  })

  it.each([
    [['import', '--format', 'gsm8k', '--name', 'x'], /required option '--file <path>'/],
    [['import', '--format', 'yaml', '--file', 'f', '--name', 'x'], /argument 'yaml' is invalid/],
    [['import', '--format', 'jsonl', '--file', 'f', '--name', 'x'], /--format jsonl needs --map/],
    [['import', '--format', 'jsonl', '--file', 'f', '--name', 'x', '--map', 'question=q'], /--map: missing answer/],
    [['import', '--format', 'gsm8k', '--file', '/nonexistent/file.jsonl', '--name', 'x'], /no such file/],
    [['nonsense'], /unknown command 'nonsense'/]
  ])('rejects %j with a clear message and a non-zero exit', async (args, message) => {
    const io = captureIo()
    const code = await runCli([...args, ...(args[0] === 'import' ? ['--db', db] : [])], io)
    expect(code).not.toBe(0)
    expect(io.errText()).toMatch(message)
  })

  it.each(['import', 'datasets', 'serve'])('%s --help describes the command', async (command) => {
    const io = captureIo()
    expect(await runCli([command, '--help'], io)).toBe(0)
    expect(io.outText()).toMatch(new RegExp(`Usage: malt ${command}`))
    expect(io.outText()).toContain('--db <file>')
  })
})
