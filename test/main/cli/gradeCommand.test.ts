import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli } from '../../../src/main/cli/runCli'
import { captureIo } from '../../support/captureIo'
import { makeTempDir } from '../../support/paths'

const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n'

describe('malt grade', () => {
  let temp: ReturnType<typeof makeTempDir>
  beforeEach(() => {
    temp = makeTempDir()
  })
  afterEach(() => temp.cleanup())

  it('grades a gsm8k file to stdout, one line per input in order, skipping blank lines', async () => {
    const file = join(temp.dir, 'pred.jsonl')
    writeFileSync(
      file,
      jsonl([
        { prediction: '**Final Answer: Final Answer: 125**', gold: 'So 25.\n#### 25' },
        { prediction: 'Step 5: done.\nFinal Answer: 25 cards.', gold: '#### 25' },
        { prediction: 'Final Answer: $1,200.50', gold: 1200.5, id: 'extra fields are ignored' }
      ]) + '\n  \n' + jsonl([{ prediction: 'no idea', gold: '7' }])
    )
    const io = captureIo()
    expect(await runCli(['grade', '--benchmark', 'gsm8k', '--in', file], io)).toBe(0)
    expect(io.outText().trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      { extracted: '125', correct: false },
      { extracted: '25', correct: true },
      { extracted: '1200.5', correct: true },
      { extracted: null, correct: false }
    ])
    expect(io.errText()).toBe('graded 4: accuracy 50.0%\n')
  })

  it('writes to --out and grades math and csqa', async () => {
    const math = join(temp.dir, 'math.jsonl')
    writeFileSync(
      math,
      jsonl([
        { prediction: 'Final Answer: $\\boxed{\\dfrac{1}{2}}$', gold: '0.5' },
        { prediction: 'so \\boxed{\\sqrt{8}}', gold: '2\\sqrt{2}' },
        { prediction: 'so \\boxed{(3,4)}', gold: '(3,4]' }
      ])
    )
    const out = join(temp.dir, 'graded.jsonl')
    const io = captureIo()
    expect(await runCli(['grade', '--benchmark', 'math', '--in', math, '--out', out], io)).toBe(0)
    expect(io.outText()).toBe('')
    expect(readFileSync(out, 'utf8')).toBe(
      '{"extracted":"\\\\dfrac{1}{2}","correct":true}\n{"extracted":"\\\\sqrt{8}","correct":true}\n{"extracted":"(3,4)","correct":false}\n'
    )
    expect(io.errText()).toBe('graded 3: accuracy 66.7%\n')

    const csqa = join(temp.dir, 'csqa.jsonl')
    const choices = ['manual', 'street', 'restaurant', 'ground', 'service station']
    writeFileSync(
      csqa,
      jsonl([
        { prediction: 'Reasoning steps: 1. ...\n**Final Answer: D**', gold: 'D', choices },
        { prediction: 'Final Answer: service station', gold: 'D', choices },
        { prediction: 'Final Answer: ground', gold: 'd', choices }
      ])
    )
    const io2 = captureIo()
    expect(await runCli(['grade', '--benchmark', 'csqa', '--in', csqa], io2)).toBe(0)
    expect(io2.outText()).toBe('{"extracted":"D","correct":true}\n{"extracted":"E","correct":false}\n{"extracted":"D","correct":true}\n')
    expect(io2.errText()).toBe('graded 3: accuracy 66.7%\n')
  })

  it('grades raw MATH prediction strings, and with --explain says where each answer was found and why (issue #12)', async () => {
    const rows = [
      { prediction: '-5', gold: '-5' },
      { prediction: '$9$', gold: '9' },
      { prediction: '\\[ 9 \\]', gold: '9' },
      { prediction: 'Answer \\( 9 \\)', gold: '9' },
      { prediction: '1,000.99', gold: '1000.99' },
      { prediction: '7,425,000', gold: '7425000' },
      { prediction: 'x \\geq 5', gold: '5 \\leq x' },
      { prediction: 'x != 3', gold: 'x \\neq 3' },
      { prediction: '2x+4y-3=0', gold: 'y=-\\frac{1}{2}x+\\frac{3}{4}' },
      { prediction: '\\left[\\begin{array}{cc}1&2\\\\3&4\\end{array}\\right]', gold: '\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}' },
      { prediction: 'x = 5+5+1 = 7 = 11', gold: '11' },
      { prediction: 'We find that the area is 12 square units, so the answer is 12.', gold: '12' },
      { prediction: 'x^2+}{', gold: '3' }
    ]
    const file = join(temp.dir, 'raw.jsonl')
    writeFileSync(file, jsonl(rows))
    const io = captureIo()
    expect(await runCli(['grade', '--benchmark', 'math', '--in', file, '--explain'], io)).toBe(0)
    const lines = io.outText().trim().split('\n').map((l) => JSON.parse(l) as { correct: boolean; source: string | null; reason: string; start: number; end: number; extracted: string | null })
    expect(lines.map((l) => l.correct)).toEqual([...rows.slice(0, -1).map(() => true), false])
    expect(lines.map((l) => l.source)).toEqual(['lastValue', 'math', 'math', 'math', 'lastValue', 'lastValue', 'lastValue', 'lastValue', 'lastValue', 'lastValue', 'lastValue', 'lastValue', 'lastValue'])
    lines.forEach((l, i) => expect(rows[i]!.prediction.slice(l.start, l.end)).toBe(l.extracted))
    expect(lines.at(-1)!.reason).toBe('could not parse "x^2+}{"')
    expect(io.errText()).toBe('graded 13: accuracy 92.3%\n')
  })

  it.each([
    ['gsm8k', [{ prediction: 'Final Answer: 1', gold: '#### 1' }, { prediction: 'x' }], "pred.jsonl:2 field 'gold': missing"],
    ['gsm8k', [{ prediction: 'Final Answer: 1', gold: '#### 1' }, { prediction: 'x', gold: true }], "pred.jsonl:2 field 'gold': expected a string or a number, got boolean"],
    ['gsm8k', [{ prediction: 'x', gold: '#### many' }], 'pred.jsonl:1 field \'gold\': no number in "#### many"'],
    ['gsm8k', [{ prediction: 5, gold: '1' }], "pred.jsonl:1 field 'prediction': "],
    ['csqa', [{ prediction: 'Final Answer: A', gold: 'A' }], "pred.jsonl:1 field 'choices': missing"],
    ['csqa', [{ prediction: 'Final Answer: A', gold: 'F', choices: ['a', 'b', 'c', 'd', 'e'] }], "pred.jsonl:1 field 'gold': \"F\" is not a letter A-E"],
    ['csqa', [{ prediction: 'Final Answer: A', gold: 'A', choices: ['a', 'b'] }], "pred.jsonl:1 field 'choices': expected 5 choices, got 2"],
    ['math', [{ prediction: 'x', gold: '  ' }], "pred.jsonl:1 field 'gold': empty"]
  ])('%s: a bad line fails with file, line and field, exit code 1, and writes nothing (%#)', async (benchmark, rows, message) => {
    const file = join(temp.dir, 'pred.jsonl')
    const out = join(temp.dir, 'out.jsonl')
    writeFileSync(file, jsonl(rows))
    const io = captureIo()
    expect(await runCli(['grade', '--benchmark', benchmark, '--in', file, '--out', out], io)).toBe(1)
    const err = io.errText().trim().split('\n')
    expect(err).toHaveLength(1)
    expect(err[0]).toContain(`error: ${join(temp.dir, message.split(':')[0]!)}:${message.slice(message.indexOf(':') + 1)}`)
    expect(io.outText()).toBe('')
    expect(existsSync(out)).toBe(false)
  })

  it('reports invalid JSON with its line, a missing file, and a bad benchmark', async () => {
    const file = join(temp.dir, 'pred.jsonl')
    writeFileSync(file, '{"prediction": "a", "gold": "1"}\n{not json}\n')
    const io = captureIo()
    expect(await runCli(['grade', '--benchmark', 'gsm8k', '--in', file], io)).toBe(1)
    expect(io.errText()).toMatch(new RegExp(`^error: ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2: not valid JSON`))
    expect(io.outText()).toBe('')

    const missing = captureIo()
    expect(await runCli(['grade', '--benchmark', 'gsm8k', '--in', join(temp.dir, 'nope.jsonl')], missing)).toBe(1)
    expect(missing.errText()).toContain('no such file')

    const bad = captureIo()
    expect(await runCli(['grade', '--benchmark', 'mmlu', '--in', file], bad)).toBe(1)
    expect(bad.errText()).toContain("argument 'mmlu' is invalid")
  })

  it('grades an empty file to nothing', async () => {
    const file = join(temp.dir, 'empty.jsonl')
    writeFileSync(file, '\n')
    const io = captureIo()
    expect(await runCli(['grade', '--benchmark', 'math', '--in', file], io)).toBe(0)
    expect(io.outText()).toBe('')
    expect(io.errText()).toBe('graded 0: accuracy n/a\n')
  })

  it('describes itself in --help', async () => {
    const io = captureIo()
    expect(await runCli(['grade', '--help'], io)).toBe(0)
    const help = io.outText()
    expect(help).toContain('--benchmark <name>')
    expect(help).toMatch(/choices: "gsm8k",\s+"math", "csqa"/)
    expect(help).toContain('--in <file>')
    expect(help).toContain('--out <file>')
    expect(help).toContain('Blank lines are skipped')
    expect(help).toContain('{"extracted": <answer read from the prediction, or null>, "correct": true|false}')
    expect(help).toContain('graded N: accuracy X%')
  })
})
