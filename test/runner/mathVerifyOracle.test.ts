import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { compareMathAnswers } from '../../src/main/domain/grading/compareMathAnswers'
import { gradeOutput } from '../../src/main/domain/grading/gradeAnswer'
import { balancedSample, categoryOf, oraclePairs } from '../support/mathOraclePairs'
import { repoRoot, sharedDataFile } from '../support/paths'
import { runnerPython } from './spawnRunner'

/**
 * The workbench's MATH grader against Math-Verify (the Python package `math-verify`, installed from
 * resources/python/requirements-test.txt), used as an oracle for tests only: the product grades in TypeScript.
 *
 * 1. Perturbed gold answers: every MATH test answer rewritten into equivalent forms (another notation) and wrong ones
 *    (a changed digit, a dropped item…), at most 25 per kind of answer and rewrite; both graders judge each pair.
 * 2. Whole outputs, each grader extracting the answer itself (and the workbench's extracted answer graded by both):
 *    - SmolLM2-135M's tree-search outputs on 8 MATH test questions (test/fixtures/math-smollm2-outputs.jsonl, from
 *      `malt generate --dataset math --split test --limit 12 --branching 2 --max-tokens 160 --seed 3`, stopped at
 *      129 nodes; such a small model is almost never right, so these check extraction and agreement on "wrong");
 *    - the 500 MATH500 reference solutions as written (ending in `\boxed{}`), and the same with the box replaced by
 *      Minerva's "The final answer is $…$. I hope it is correct." and by a "Final Answer: $…$" line.
 * The rates are printed per category. Where the two disagree by design the floors say so.
 */

interface OracleInput {
  id: number
  gold: string
  prediction: string
  mode: 'answer' | 'output'
}

function askOracle(inputs: readonly OracleInput[]): Map<number, boolean> {
  const python = runnerPython()
  const result = spawnSync(python, [join(repoRoot, 'test', 'support', 'math_verify_oracle.py')], {
    input: inputs.map((i) => JSON.stringify(i)).join('\n'),
    maxBuffer: 1 << 26,
    encoding: 'utf8'
  })
  if (result.status !== 0) {
    throw new Error(`the Math-Verify oracle failed (exit ${result.status}); is math-verify installed (resources/python/requirements-test.txt)?\n${result.stderr}`)
  }
  const verdicts = new Map<number, boolean>()
  for (const line of result.stdout.trim().split('\n')) {
    const { id, correct } = JSON.parse(line) as { id: number; correct: boolean }
    verdicts.set(id, correct)
  }
  expect(verdicts.size).toBe(inputs.length)
  return verdicts
}

interface Tally {
  agree: number
  total: number
}

function tally(rows: readonly { key: string; agree: boolean }[]): Map<string, Tally> {
  const out = new Map<string, Tally>()
  for (const { key, agree } of rows) {
    const t = out.get(key) ?? { agree: 0, total: 0 }
    t.total++
    if (agree) t.agree++
    out.set(key, t)
  }
  return out
}

function report(title: string, tallies: Map<string, Tally>): string {
  const lines = [...tallies].sort(([a], [b]) => a.localeCompare(b)).map(([key, t]) => `  ${key.padEnd(36)} ${String(t.total).padStart(5)}  ${((100 * t.agree) / t.total).toFixed(1)}%`)
  return [title, ...lines].join('\n')
}

const rate = (t: Tally | undefined) => (t ? t.agree / t.total : 0)

/**
 * Agreement floors per category. Lower ones are where the two graders differ by design or where Math-Verify
 * misreads (each checked by hand on the disagreements):
 * - text or choice: the workbench reads `x = \text{Evelyn}` as the answer Evelyn; Math-Verify does not;
 * - units: Math-Verify fails to read some answers with a unit in `\text{ dollars}` against themselves;
 * - integer: Math-Verify rejects some correct scientific notation (`2.010\times 10^{3}` for 2010).
 */
const floors: Record<string, number> = { 'text or choice': 0.6, 'units, degrees, percent, money': 0.8, integer: 0.9 }
const defaultFloor = 0.95

describe('the MATH grader against Math-Verify', () => {
  it('agrees on perturbed MATH test answers, per kind of answer', () => {
    const golds = readFileSync(sharedDataFile('math/test.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { answer: string }).answer)
    const pairs = balancedSample(oraclePairs(golds), 25)
    expect(pairs.length).toBeGreaterThan(1000)
    const oracle = askOracle(pairs.map((p) => ({ id: p.id, gold: p.gold, prediction: p.prediction, mode: 'answer' })))
    const rows = pairs.map((p) => {
      const ours = compareMathAnswers(p.prediction, p.gold).equivalent
      return { pair: p, agree: ours === oracle.get(p.id) }
    })
    const byCategory = tally(rows.map((r) => ({ key: r.pair.category, agree: r.agree })))
    const byPerturbation = tally(rows.map((r) => ({ key: r.pair.perturbation, agree: r.agree })))
    const overall = rows.filter((r) => r.agree).length / rows.length
    console.log(`${report(`perturbed answers: ${rows.length} pairs, agreement ${(100 * overall).toFixed(1)}%`, byCategory)}\n${report('by rewrite', byPerturbation)}`)
    expect(overall).toBeGreaterThanOrEqual(0.95)
    for (const [category, t] of byCategory) expect(rate(t), category).toBeGreaterThanOrEqual(floors[category] ?? defaultFloor)
  })

  it('agrees on real model outputs, extracting the answer itself or grading the one the workbench extracts', () => {
    const fixture = join(repoRoot, 'test', 'fixtures', 'math-smollm2-outputs.jsonl')
    expect(existsSync(fixture), fixture).toBe(true)
    const model = readFileSync(fixture, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { gold: string; role: string; output: string })
    expect(model.length).toBeGreaterThanOrEqual(100)
    const solutions = readFileSync(sharedDataFile('math/math500_test.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { solution: string; answer: string })
    const unboxed = (solution: string, answer: string, ending: string) => {
      const at = solution.lastIndexOf('\\boxed')
      return `${solution.slice(0, at).replace(/\$?\s*$/, '').trimEnd()}\n\n${ending.replace('ANSWER', answer)}`
    }
    const outputs = [
      ...model.map((o) => ({ ...o, role: `SmolLM2 ${o.role}` })),
      ...solutions.map((r) => ({ gold: r.answer, role: 'MATH500 solution, boxed', output: r.solution })),
      ...solutions.map((r) => ({ gold: r.answer, role: 'MATH500 solution, Minerva sentence', output: unboxed(r.solution, r.answer, 'The final answer is $ANSWER$. I hope it is correct.') })),
      ...solutions.map((r) => ({ gold: r.answer, role: 'MATH500 solution, Final Answer line', output: unboxed(r.solution, r.answer, 'Final Answer: $ANSWER$') }))
    ]
    const inputs: OracleInput[] = []
    outputs.forEach((o, i) => {
      inputs.push({ id: 2 * i, gold: o.gold, prediction: o.output, mode: 'output' })
      const extracted = gradeOutput('math', o.output, o.gold).extracted
      if (extracted !== null) inputs.push({ id: 2 * i + 1, gold: o.gold, prediction: extracted, mode: 'answer' })
    })
    const oracle = askOracle(inputs)
    const rows = outputs.flatMap((o, i) => {
      const graded = gradeOutput('math', o.output, o.gold)
      const whole = { key: `whole output (${o.role})`, agree: graded.correct === oracle.get(2 * i) }
      if (graded.extracted === null) return [whole]
      const answer = compareMathAnswers(graded.extracted, o.gold).equivalent
      return [whole, { key: `extracted answer, ${categoryOf(o.gold)}`, agree: answer === oracle.get(2 * i + 1) }]
    })
    const tallies = tally(rows)
    const right = { ours: 0, oracle: 0 }
    outputs.forEach((o, i) => {
      if (gradeOutput('math', o.output, o.gold).correct) right.ours++
      if (oracle.get(2 * i)) right.oracle++
    })
    console.log(report(`whole outputs: ${outputs.length} (graded right: ${right.ours} by the workbench, ${right.oracle} by Math-Verify)`, tallies))
    const extracted = rows.filter((r) => r.key.startsWith('extracted'))
    expect(extracted.filter((r) => r.agree).length / extracted.length).toBeGreaterThanOrEqual(0.95)
    const whole = rows.filter((r) => r.key.startsWith('whole'))
    expect(whole.filter((r) => r.agree).length / whole.length).toBeGreaterThanOrEqual(0.9)
  })
})
