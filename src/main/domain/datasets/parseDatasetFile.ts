import type { Benchmark } from '@shared/benchmarks'
import { AppError } from '@shared/errors'
import type { DatasetFormat, FieldMapping, LineProblem } from '@shared/api/schemas/datasets'
import { benchmarkOfFormat } from './benchmarkOfFormat'
import { readGoldFromRecord } from './readGoldFromRecord'

/** One question as every importer produces it, whatever the file looked like. */
export interface ParsedQuestion {
  /** The file's own id when it has one, else `L<line>`; unique within a dataset split. */
  externalId: string
  /** 1-based line in the source file. */
  line: number
  question: string
  /** The gold answer in the form the benchmark's grader compares against (a number, LaTeX, or a letter). */
  answer: string
  /** Multiple-choice texts in label order (A, B, …), or null. */
  choices: string[] | null
  /** A worked solution, when the file has one. */
  solution: string | null
  metadata: Record<string, unknown>
}

export interface ParseOptions {
  format: DatasetFormat
  /** Used in every problem message. */
  fileName: string
  /** Required by the generic `jsonl` format. */
  mapping?: FieldMapping
  /** Grading family; implied by the format except for `jsonl`, where it defaults to choices → csqa, else gsm8k. */
  benchmark?: Benchmark
}

export interface ParseResult {
  questions: ParsedQuestion[]
  problems: LineProblem[]
  benchmark: Benchmark
  /** Non-empty lines read. */
  lineCount: number
}

class LineError extends Error {
  constructor(
    readonly field: string | undefined,
    message: string
  ) {
    super(message)
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Parses a JSONL file of one of the supported formats. Pure: it sees bytes, not paths, so it can be tested on
 * anything. Every bad line becomes a {@link LineProblem} naming its line and field; the caller decides whether
 * problems abort the import or are skipped.
 */
export function parseDatasetFile(bytes: Uint8Array, options: ParseOptions): ParseResult {
  const questions: ParsedQuestion[] = []
  const problems: LineProblem[] = []
  const seenIds = new Map<string, number>()
  let benchmark: Benchmark | undefined = options.benchmark ?? benchmarkOfFormat(options.format)
  if (options.format === 'jsonl' && !options.mapping) {
    throw new AppError('invalid_input', 'the generic jsonl format needs a field mapping (question=FIELD,answer=FIELD)', {
      field: 'mapping'
    })
  }

  let lineCount = 0
  let start = 0
  let lineNumber = 0
  // Strip a UTF-8 byte-order mark: some editors write one and JSON.parse would reject it.
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3
  while (start <= bytes.length) {
    let end = bytes.indexOf(0x0a, start)
    if (end < 0) end = bytes.length
    lineNumber += 1
    const raw = bytes.subarray(start, end)
    start = end + 1
    // Windows line endings: drop the carriage return before the newline.
    const trimmedEnd = raw.length > 0 && raw[raw.length - 1] === 0x0d ? raw.subarray(0, raw.length - 1) : raw
    if (isBlank(trimmedEnd)) {
      if (end >= bytes.length) break
      continue
    }
    lineCount += 1
    try {
      let text: string
      try {
        text = utf8.decode(trimmedEnd)
      } catch {
        throw new LineError(undefined, 'not valid UTF-8 text')
      }
      let record: unknown
      try {
        record = JSON.parse(text)
      } catch (error) {
        throw new LineError(undefined, `malformed JSON: ${(error as Error).message}`)
      }
      if (!isPlainObject(record)) throw new LineError(undefined, 'expected a JSON object')
      const parsed = readRecord(record, lineNumber, options)
      if (options.format === 'jsonl' && !options.benchmark && benchmark === undefined) {
        benchmark = parsed.choices ? 'csqa' : 'gsm8k'
      }
      const firstLine = seenIds.get(parsed.externalId)
      if (firstLine !== undefined) {
        throw new LineError(options.mapping?.id ?? 'id', `duplicate id '${parsed.externalId}' (first on line ${firstLine})`)
      }
      seenIds.set(parsed.externalId, lineNumber)
      questions.push(parsed)
    } catch (error) {
      if (!(error instanceof LineError)) throw error
      problems.push({ line: lineNumber, ...(error.field ? { field: error.field } : {}), message: error.message })
    }
    if (end >= bytes.length) break
  }
  return { questions, problems, benchmark: benchmark ?? 'gsm8k', lineCount }
}

function readRecord(record: Record<string, unknown>, line: number, options: ParseOptions): ParsedQuestion {
  switch (options.format) {
    case 'gsm8k':
      return readGsm8k(record, line)
    case 'gsm-symbolic':
      return readGsmSymbolic(record, line)
    case 'math':
      return readMath(record, line)
    case 'csqa':
      return readCsqa(record, line)
    case 'jsonl':
      return readMapped(record, line, options.mapping as FieldMapping)
  }
}

function readGsm8k(record: Record<string, unknown>, line: number): ParsedQuestion {
  const question = requireString(record, 'question')
  const solution = requireString(record, 'answer')
  return {
    externalId: optionalId(record, 'id') ?? `L${line}`,
    line,
    question,
    answer: goldOrThrow('answer', () => readGoldFromRecord('gsm8k', solution)),
    choices: null,
    solution,
    metadata: {}
  }
}

/**
 * GSM-Symbolic comes as Apple's generated files (`id`, `instance`, `question`, `answer` with `#### n`) or as the
 * template file (`id_shuffled`, `question`, `answer`, `question_annotated`…); both grade like GSM8K.
 */
function readGsmSymbolic(record: Record<string, unknown>, line: number): ParsedQuestion {
  const question = requireString(record, 'question')
  const solution = requireString(record, 'answer')
  const id = optionalId(record, 'id')
  const instance = optionalId(record, 'instance')
  const templateId = optionalId(record, 'id_shuffled')
  const externalId = id !== undefined ? (instance !== undefined ? `${id}-${instance}` : id) : (templateId ?? `L${line}`)
  const metadata: Record<string, unknown> = {}
  for (const key of ['id_orig', 'id_shuffled', 'original_id', 'instance']) {
    if (record[key] !== undefined) metadata[key] = record[key]
  }
  return {
    externalId,
    line,
    question,
    answer: goldOrThrow('answer', () => readGoldFromRecord('gsm8k', solution)),
    choices: null,
    solution,
    metadata
  }
}

function readMath(record: Record<string, unknown>, line: number): ParsedQuestion {
  const question = requireString(record, 'problem')
  const solution = typeof record.solution === 'string' ? record.solution : null
  let answer: string
  if (record.answer !== undefined) {
    answer = requireString(record, 'answer', { allowEmpty: true }).trim()
    if (answer === '') throw new LineError('answer', 'empty gold answer')
  } else if (solution !== null) {
    answer = goldOrThrow('solution', () => readGoldFromRecord('math', solution))
  } else {
    throw new LineError('answer', "missing (and no 'solution' with a \\boxed{} answer)")
  }
  const metadata: Record<string, unknown> = {}
  for (const key of ['level', 'type', 'subject']) if (record[key] !== undefined) metadata[key] = record[key]
  return {
    externalId: optionalId(record, 'unique_id') ?? `L${line}`,
    line,
    question,
    answer,
    choices: null,
    solution,
    metadata
  }
}

function readCsqa(record: Record<string, unknown>, line: number): ParsedQuestion {
  const body = record.question
  if (!isPlainObject(body)) throw new LineError('question', body === undefined ? 'missing' : 'expected an object with stem and choices')
  const stem = requireString(body, 'stem', { path: 'question.stem' })
  const rawChoices = body.choices
  if (!Array.isArray(rawChoices) || rawChoices.length < 2) throw new LineError('question.choices', 'expected a list of {label, text}')
  const labelled = rawChoices.map((choice, index) => {
    if (!isPlainObject(choice) || typeof choice.label !== 'string' || typeof choice.text !== 'string') {
      throw new LineError(`question.choices[${index}]`, 'expected {label, text}')
    }
    return { label: choice.label.trim().toUpperCase(), text: choice.text }
  })
  labelled.sort((a, b) => a.label.localeCompare(b.label))
  labelled.forEach((choice, index) => {
    if (choice.label !== String.fromCharCode(65 + index)) {
      throw new LineError('question.choices', `labels must be A, B, C…; found ${labelled.map((c) => c.label).join(', ')}`)
    }
  })
  const answerKey = requireString(record, 'answerKey').trim().toUpperCase()
  if (!labelled.some((choice) => choice.label === answerKey)) {
    throw new LineError('answerKey', `'${answerKey}' is not one of the choice labels`)
  }
  const metadata: Record<string, unknown> = {}
  if (typeof body.question_concept === 'string') metadata.concept = body.question_concept
  return {
    externalId: optionalId(record, 'id') ?? `L${line}`,
    line,
    question: stem,
    answer: answerKey,
    choices: labelled.map((choice) => choice.text),
    solution: null,
    metadata
  }
}

function readMapped(record: Record<string, unknown>, line: number, mapping: FieldMapping): ParsedQuestion {
  const question = valueAt(record, mapping.question)
  if (question === undefined || question === null) throw new LineError(mapping.question, 'missing')
  if (typeof question !== 'string' || question.trim() === '') throw new LineError(mapping.question, 'expected a non-empty string')
  const answerValue = valueAt(record, mapping.answer)
  if (answerValue === undefined || answerValue === null) throw new LineError(mapping.answer, 'missing')
  if (typeof answerValue !== 'string' && typeof answerValue !== 'number') throw new LineError(mapping.answer, 'expected a string or a number')
  const answer = String(answerValue).trim()
  if (answer === '') throw new LineError(mapping.answer, 'empty gold answer')
  let choices: string[] | null = null
  if (mapping.choices) {
    choices = readChoices(valueAt(record, mapping.choices), mapping.choices)
  }
  let externalId = `L${line}`
  if (mapping.id) {
    const id = valueAt(record, mapping.id)
    if (typeof id !== 'string' && typeof id !== 'number') throw new LineError(mapping.id, 'missing or not a string/number')
    externalId = String(id)
  }
  return { externalId, line, question, answer, choices, solution: null, metadata: {} }
}

/** Accepts `["t1", …]`, `[{label, text}, …]` or `{"A": "t1", …}`. */
function readChoices(value: unknown, field: string): string[] {
  if (Array.isArray(value)) {
    return value.map((item, index) => {
      if (typeof item === 'string') return item
      if (isPlainObject(item) && typeof item.text === 'string') return item.text
      throw new LineError(`${field}[${index}]`, 'expected a string or {label, text}')
    })
  }
  if (isPlainObject(value)) {
    return Object.keys(value)
      .sort()
      .map((key) => {
        const text = value[key]
        if (typeof text !== 'string') throw new LineError(`${field}.${key}`, 'expected a string')
        return text
      })
  }
  throw new LineError(field, value === undefined ? 'missing' : 'expected a list of choices')
}

function valueAt(record: Record<string, unknown>, path: string): unknown {
  let current: unknown = record
  for (const key of path.split('.')) {
    if (!isPlainObject(current)) return undefined
    current = current[key]
  }
  return current
}

function requireString(
  record: Record<string, unknown>,
  key: string,
  options: { allowEmpty?: boolean; path?: string } = {}
): string {
  const field = options.path ?? key
  const value = record[key]
  if (value === undefined || value === null) throw new LineError(field, 'missing')
  if (typeof value !== 'string') throw new LineError(field, `expected a string, got ${typeof value}`)
  if (!options.allowEmpty && value.trim() === '') throw new LineError(field, 'empty')
  return value
}

function optionalId(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key]
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined
}

function goldOrThrow(field: string, read: () => string | null): string {
  const gold = read()
  if (gold === null || gold === '') throw new LineError(field, 'no gold answer found (expected "#### <number>" or a \\boxed{} answer)')
  return gold
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isBlank(bytes: Uint8Array): boolean {
  for (const byte of bytes) if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false
  return true
}

