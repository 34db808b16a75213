import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli } from '../../../src/main/cli/runCli'
import { captureIo } from '../../support/captureIo'
import { makeTempDir, sharedDataFile } from '../../support/paths'

describe('malt symbolic', () => {
  const templates = sharedDataFile('gsm_symbolic/templates_symbolic.jsonl')
  let temp: ReturnType<typeof makeTempDir>
  beforeEach(() => {
    temp = makeTempDir()
  })
  afterEach(() => temp.cleanup())

  async function run(args: string[]) {
    const io = captureIo()
    const code = await runCli(['symbolic', ...args], io)
    return { code, out: io.outText(), err: io.errText() }
  }

  it("writes Apple-format JSONL for the real templates, the same for the same seed and different for another", async () => {
    const out = join(temp.dir, 'a.jsonl')
    const result = await run(['--templates', templates, '--per-template', '2', '--seed', '7', '--out', out])
    expect(result.err).toBe('')
    expect(result.code).toBe(0)
    expect(result.out).toBe(`wrote 200 problems (100 templates × 2, seed 7) to ${out}\n`)
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n')
    expect(lines).toHaveLength(200)
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(Object.keys(records[0]!)).toEqual(['id', 'instance', 'question', 'answer', 'original_id', 'original_question'])
    expect(records.map((r) => `${r.id}/${r.instance}`).slice(0, 4)).toEqual(['0/0', '0/1', '1/0', '1/1'])
    for (const record of records) expect(record.answer).toMatch(/\n#### \d+$/)

    const again = join(temp.dir, 'b.jsonl')
    expect((await run(['--templates', templates, '--per-template', '2', '--seed', '7', '--out', again])).code).toBe(0)
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(out, 'utf8'))
    const other = join(temp.dir, 'c.jsonl')
    expect((await run(['--templates', templates, '--per-template', '2', '--seed', '8', '--out', other])).code).toBe(0)
    expect(readFileSync(other, 'utf8')).not.toBe(readFileSync(out, 'utf8'))
  })

  it('imports the problems straight into a dataset graded like GSM8K', async () => {
    const db = join(temp.dir, 'w.sqlite')
    const result = await run(['--templates', templates, '--per-template', '1', '--seed', '3', '--db', db, '--name', 'gsm-symbolic'])
    expect(result.err).toBe('')
    expect(result.code).toBe(0)
    expect(result.out).toBe('imported 100 problems (100 templates × 1, seed 3) into gsm-symbolic/test: 100 added, 0 unchanged, 0 skipped\n')
    const list = captureIo()
    expect(await runCli(['datasets', '--db', db], list)).toBe(0)
    expect(list.outText().trim()).toMatch(/^gsm-symbolic\s+100 questions\s+gsm8k\s+test=100$/)
    // The same seed again changes nothing.
    const repeat = await run(['--templates', templates, '--per-template', '1', '--seed', '3', '--db', db, '--name', 'gsm-symbolic'])
    expect(repeat.out).toContain('already imported')
  })

  describe('a broken template file fails with one line naming file, line and field, exit 1, and writes nothing', () => {
    const good = () => readFileSync(templates, 'utf8').split('\n')[0]!
    const cases: [string, () => string, (file: string) => string][] = [
      ['malformed JSON', () => `${good()}\n{"question": "x",\n`, (file) => `error: ${file}:2: malformed JSON (`],
      [
        'a missing field',
        () => {
          const record = JSON.parse(good()) as Record<string, unknown>
          delete record.answer_annotated
          return `${good()}\n\n${JSON.stringify({ ...record, id_shuffled: 5 })}\n`
        },
        (file) => `error: ${file}:3 field 'answer_annotated': missing`
      ],
      [
        'a wrong type',
        () => JSON.stringify({ ...(JSON.parse(good()) as object), id_orig: 'four' }),
        (file) => `error: ${file}:1 field 'id_orig': Invalid input: expected number, received string`
      ],
      [
        'a bad expression',
        () => good().replace('k * y < x * 12', 'k * y <'),
        (file) => `error: ${file}:1 field 'question_annotated': template 0: #conditions 'k * y <': SyntaxError: unexpected end of expression at column 8 of 'k * y <'`
      ]
    ]
    it.each(cases)('%s', async (_, content, expected) => {
      const file = join(temp.dir, 'broken.jsonl')
      writeFileSync(file, content())
      const out = join(temp.dir, 'out.jsonl')
      const result = await run(['--templates', file, '--per-template', '1', '--seed', '1', '--out', out])
      expect(result.code).toBe(1)
      const lines = result.err.trim().split('\n')
      expect(lines).toHaveLength(1)
      expect(lines[0]!.startsWith(expected(file))).toBe(true)
      expect(existsSync(out)).toBe(false)
    })
  })

  it.each([
    [['--per-template', '1', '--seed', '1', '--out', 'x.jsonl'], /required option '--templates <file>'/],
    [['--templates', 'T', '--per-template', '1', '--seed', '1'], /give --out FILE to write the problems, or --name NAME/],
    [['--templates', 'T', '--per-template', '0', '--seed', '1', '--out', 'x'], /--per-template: 0 is below 1/],
    [['--templates', 'T', '--per-template', '2', '--seed', 'abc', '--out', 'x'], /--seed: 'abc' is not an integer/],
    [['--templates', 'T', '--per-template', '2', '--seed', '1', '--db', 'w.sqlite'], /--db needs --name/],
    [['--templates', '/nonexistent/t.jsonl', '--per-template', '2', '--seed', '1', '--out', 'x'], /error: no such file: \/nonexistent\/t.jsonl/]
  ])('rejects %j with a clear message and a non-zero exit', async (args, message) => {
    const result = await run(args.map((arg) => (arg === 'T' ? templates : arg)))
    expect(result.code).not.toBe(0)
    expect(result.err).toMatch(message)
  })

  it('--help describes the command with examples', async () => {
    const result = await run(['--help'])
    expect(result.code).toBe(0)
    expect(result.out).toMatch(/Usage: malt symbolic/)
    expect(result.out).toContain('--per-template <n>')
    expect(result.out).toContain('malt symbolic --templates ../shared/data/gsm_symbolic/templates_symbolic.jsonl --per-template 50 --seed 1 --out gsm_symbolic.jsonl')
  })
})
