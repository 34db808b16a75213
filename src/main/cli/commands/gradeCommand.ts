import { type Benchmark, benchmarks } from '@shared/benchmarks'
import { readFile, writeFile } from 'node:fs/promises'
import { Command, Option } from 'commander'
import { z } from 'zod'
import { AppError } from '@shared/errors'
import { gradeOutput, type GradeResult } from '../../domain/grading/gradeAnswer'
import { csqaGold } from '../../domain/grading/isCorrectAnswer'
import { parseGsm8kGold } from '../../domain/grading/parseGsm8kGold'
import type { CliIo } from '../CliIo'

const helpText = `
Input: JSON Lines, one object per line:
  {"prediction": "<the model's full output>", "gold": "<gold answer>"}
  csqa lines also need "choices": [five choice texts, A to E in order].
  gold is, for gsm8k, GSM8K's answer field ("... #### 18") or a number; for math, the answer
  LaTeX (or a solution whose last \\boxed{} is the answer); for csqa, a letter A-E.
  Other fields are ignored. Blank lines are skipped (line numbers in errors still count them).

  A prediction may be a whole model output or a bare answer ("-5", "$9$", "x \\geq 5", "1,000.99").

Output: one line per graded input line, in order, to --out or stdout:
  {"extracted": <answer read from the prediction, or null>, "correct": true|false}
with --explain also "source" (where the answer was found: boxed, finalAnswer, finalAnswerIs, math,
answerIs or lastValue; null when none), "start" and "end" (its offsets in the prediction) and "reason"
(why the verdict, in words); and the summary "graded N: accuracy X%" on stderr.

Every line is checked before anything is graded: a bad line fails the command with
"error: FILE:LINE field 'NAME': ..." and exit code 1, and nothing is written.

Example:
  malt grade --benchmark gsm8k --in predictions.jsonl --out graded.jsonl`

export function registerGradeCommand(program: Command, io: CliIo): void {
  program
    .command('grade')
    .description('grade model outputs against gold answers (answer extraction + exact-match reward)')
    .addOption(new Option('--benchmark <name>', 'how to extract and compare answers').choices(benchmarks).makeOptionMandatory())
    .requiredOption('--in <file>', 'JSONL of {"prediction", "gold"[, "choices"]} lines')
    .option('--out <file>', 'write the graded lines here instead of stdout')
    .option('--explain', 'add where the answer was found and why the verdict to each line')
    .addHelpText('after', helpText)
    .action(async (options: GradeCommandOptions) => {
      const records = parseGradeInput(await readInput(options.in), options.in, options.benchmark)
      const results = records.map((r) => gradeOutput(options.benchmark, r.prediction, r.gold, r.choices ? { choices: r.choices } : {}))
      const lines = results.map((r) =>
        JSON.stringify({
          extracted: r.extracted,
          correct: r.correct,
          ...(options.explain ? { source: r.extraction?.source ?? null, start: r.extraction?.start ?? null, end: r.extraction?.end ?? null, reason: r.reason } : {})
        })
      )
      if (options.out !== undefined) {
        await writeFile(options.out, lines.map((line) => `${line}\n`).join(''), 'utf8')
      } else {
        for (const line of lines) io.out(line)
      }
      io.err(summarize(results))
    })
}

interface GradeCommandOptions {
  benchmark: Benchmark
  in: string
  out?: string
  explain?: boolean
}

interface GradeRecord {
  prediction: string
  gold: string
  choices?: string[]
}

const lineSchema = z.object({
  prediction: z.string(),
  // GSM8K golds are often written as JSON numbers.
  gold: z
    .union([z.string(), z.number()], { error: (issue) => `expected a string or a number, got ${jsonType(issue.input)}` })
    .transform(String),
  choices: z.array(z.string()).optional()
})

/** Validates every line; the first bad one throws `bad_file` naming the file, the line and the field. */
export function parseGradeInput(text: string, file: string, benchmark: Benchmark): GradeRecord[] {
  const records: GradeRecord[] = []
  text.split('\n').forEach((raw, i) => {
    const line = i + 1
    if (raw.trim().length === 0) return
    let json: unknown
    try {
      json = JSON.parse(raw)
    } catch (error) {
      throw new AppError('bad_file', `not valid JSON (${(error as Error).message})`, { file, line })
    }
    const parsed = lineSchema.safeParse(json)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!
      const field = issue.path.length > 0 ? issue.path.join('.') : undefined
      throw new AppError('bad_file', describeIssue(issue, json), { file, line, ...(field ? { field } : {}) })
    }
    const { prediction, gold, choices } = parsed.data
    const bad = checkGold(benchmark, gold, choices)
    if (bad) throw new AppError('bad_file', bad.message, { file, line, field: bad.field })
    records.push({ prediction, gold, ...(choices ? { choices } : {}) })
  })
  return records
}

function describeIssue(issue: z.core.$ZodIssue, json: unknown): string {
  if (issue.path.length === 0) return 'expected a JSON object'
  const value = issue.path.reduce<unknown>((o, key) => (o && typeof o === 'object' ? (o as Record<PropertyKey, unknown>)[key] : undefined), json)
  return value === undefined ? 'missing' : issue.message
}

function checkGold(benchmark: Benchmark, gold: string, choices: string[] | undefined): { field: string; message: string } | null {
  switch (benchmark) {
    case 'gsm8k':
      return parseGsm8kGold(gold) === null ? { field: 'gold', message: `no number in ${JSON.stringify(truncate(gold))} (expected "#### <number>" or a number)` } : null
    case 'math':
      return gold.trim().length === 0 ? { field: 'gold', message: 'empty' } : null
    case 'csqa':
      if (csqaGold(gold) === null) return { field: 'gold', message: `${JSON.stringify(truncate(gold))} is not a letter A-E` }
      if (!choices) return { field: 'choices', message: 'missing (csqa lines need the five choice texts)' }
      if (choices.length !== 5) return { field: 'choices', message: `expected 5 choices, got ${choices.length}` }
      return null
  }
}

async function readInput(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    const code = (error as { code?: unknown }).code
    if (code === 'ENOENT') throw new AppError('not_found', `no such file: ${file}`, { file })
    throw error
  }
}

function summarize(results: readonly GradeResult[]): string {
  if (results.length === 0) return 'graded 0: accuracy n/a'
  const correct = results.filter((r) => r.correct).length
  return `graded ${results.length}: accuracy ${((100 * correct) / results.length).toFixed(1)}%`
}

function jsonType(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text
}
