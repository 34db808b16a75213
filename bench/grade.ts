/**
 * Grading throughput on MATH, against a plain string grader measured in the same run.
 *
 *   npm run bench -- grade [--items 5000] [--reps 3]
 *
 * - solutions: gradeOutput('math', solution, answer) for the first `--items` MATH test solutions (extraction from a
 *   whole worked solution, then the comparison with its answer field);
 * - hard pairs: compareMathAnswers on rewritten answers (the oracle test's pairs: relations, lists, matrices,
 *   decimals, symbolic forms), where most comparisons go past string equality to compute-engine;
 * - baseline: extraction plus normalized-string equality only (Hendrycks-style), the floor any grader pays;
 * - pathological: inputs built to be expensive, each cut off by the per-item time limit or refused up front.
 * Each figure is the best of `--reps` runs (other processes share this machine). The last line is one JSON object.
 */
import { readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { compareMathAnswers, defaultMathTimeLimitMs } from '../src/main/domain/grading/compareMathAnswers'
import { findMathAnswer } from '../src/main/domain/grading/findMathAnswer'
import { gradeOutput } from '../src/main/domain/grading/gradeAnswer'
import { normalizeMathAnswer } from '../src/main/domain/grading/normalizeMathAnswer'
import { balancedSample, oraclePairs } from '../test/support/mathOraclePairs'

function option(args: string[], name: string, fallback: number): number {
  const at = args.indexOf(`--${name}`)
  const value = at >= 0 ? Number(args[at + 1]) : fallback
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got ${args[at + 1]}`)
  return value
}

/** Items per second of `grade` over `items`, the best of `reps` runs, and the slowest single item in ms. */
function measure<T>(items: readonly T[], reps: number, grade: (item: T) => unknown): { itemsPerSecond: number; slowestMs: number } {
  let best = Infinity
  let slowest = 0
  for (let rep = 0; rep < reps; rep++) {
    const start = performance.now()
    for (const item of items) {
      const t = performance.now()
      grade(item)
      slowest = Math.max(slowest, performance.now() - t)
    }
    best = Math.min(best, performance.now() - start)
  }
  return { itemsPerSecond: (items.length * 1000) / best, slowestMs: slowest }
}

export default async function grade(args: string[]): Promise<void> {
  const count = option(args, 'items', 5000)
  const reps = option(args, 'reps', 3)
  const dataDir = process.env.MALT_DATA_DIR ?? join(import.meta.dirname, '..', '..', 'shared', 'data')
  const records = readFileSync(join(dataDir, 'math', 'test.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .slice(0, count)
    .map((line) => JSON.parse(line) as { solution: string; answer: string })
  const pairs = balancedSample(oraclePairs(records.map((r) => r.answer)), 25)

  // Warm compute-engine once (building its dictionary takes ~100 ms), outside every timing.
  compareMathAnswers('\\sqrt{8}', '2\\sqrt{2}')

  const solutions = measure(records, reps, (r) => gradeOutput('math', r.solution, r.answer))
  const baseline = measure(records, reps, (r) => normalizeMathAnswer(findMathAnswer(r.solution)?.answer ?? '') === normalizeMathAnswer(r.answer))
  const hard = measure(pairs, reps, (p) => compareMathAnswers(p.prediction, p.gold))
  const wrong = records.filter((r) => !gradeOutput('math', r.solution, r.answer).correct).length

  // A set of 150 symbolic items against the same set reversed: each item finds its match last, ~11,000 comparisons.
  const terms = Array.from({ length: 150 }, (_, i) => `\\sqrt{${i + 2}}x^{${i % 5}}`)
  const bigSet = `\\{${terms.join(',')}\\}`
  const pathological: [string, string][] = [
    ['2^{2^{2^{20}}}', '3'],
    ['100000!', '3'],
    [`${'('.repeat(400)}1${')'.repeat(400)}`, '1'],
    ['\\sum_{n=1}^{10^9} n', '3'],
    [bigSet, `\\{${[...terms].reverse().join(',')}\\}`]
  ]
  const cutOff = pathological.map(([input, gold]) => {
    const t = performance.now()
    const { reason } = compareMathAnswers(input, gold)
    return { input: input.slice(0, 30), ms: Math.round(performance.now() - t), reason: reason.slice(0, 60) }
  })

  console.log(`grade bench: ${records.length} MATH test solutions, ${pairs.length} rewritten answer pairs, best of ${reps}; load average ${loadavg()[0]!.toFixed(1)}`)
  console.log(`  solutions (extract + compare): ${solutions.itemsPerSecond.toFixed(0)} items/s (${((records.length / solutions.itemsPerSecond)).toFixed(2)} s for ${records.length}; slowest item ${solutions.slowestMs.toFixed(0)} ms; ${wrong} graded wrong)`)
  console.log(`  baseline (extract + string equality): ${baseline.itemsPerSecond.toFixed(0)} items/s; the grader runs at ${(solutions.itemsPerSecond / baseline.itemsPerSecond).toFixed(2)}× the baseline`)
  console.log(`  hard pairs (compare only): ${hard.itemsPerSecond.toFixed(0)} items/s; slowest ${hard.slowestMs.toFixed(0)} ms (time limit ${defaultMathTimeLimitMs} ms)`)
  for (const c of cutOff) console.log(`  pathological ${JSON.stringify(c.input)}: ${c.ms} ms, ${c.reason}`)
  console.log(
    JSON.stringify({
      solutions_items_per_s: Math.round(solutions.itemsPerSecond),
      baseline_items_per_s: Math.round(baseline.itemsPerSecond),
      hard_pairs_items_per_s: Math.round(hard.itemsPerSecond),
      slowest_item_ms: Math.round(Math.max(solutions.slowestMs, hard.slowestMs)),
      pathological_max_ms: Math.max(...cutOff.map((c) => c.ms))
    })
  )
}
