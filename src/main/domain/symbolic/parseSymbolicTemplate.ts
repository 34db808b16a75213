import { AppError } from '@shared/errors'
import { ExpressionError } from './ExpressionError'
import { freeNames, parseExpression, type Expr } from './parseExpression'
import { templateErrata } from './templateErrata'

/** One line of Apple's template file (`templates/symbolic/NNNN.json`), as stored in `templates_symbolic.jsonl`. */
export interface SymbolicTemplateRecord {
  /** The original GSM8K test question and solution. */
  question: string
  answer: string
  /** 0-based line of the question in GSM8K's test.jsonl. */
  id_orig: number
  /** The template id, 0–99: the `id` of the generated records. */
  id_shuffled: number
  question_annotated: string
  answer_annotated: string
}

/** An expression of the template with the text it came from, for error messages. */
export interface TemplateExpression {
  source: string
  expr: Expr
  /** Names it reads, built-ins included. */
  names: ReadonlySet<string>
}

/** `- n1, n2 = sample(names, 2)`: targets and the right-hand side. */
export interface InitStatement extends TemplateExpression {
  targets: string[]
  /** The `$` marker: the template author declared these numeric. */
  numeric: boolean
}

/** `{name,default}` in the question. */
export interface QuestionSlot {
  variable: string
  /** The original question's text here, trimmed (`{n, 16}` → `16`). */
  defaultText: string
  start: number
  end: number
}

/** `{expr}` in the solution text. */
export interface AnswerSlot extends TemplateExpression {
  start: number
  end: number
}

export interface SymbolicTemplate {
  id: number
  originalId: number
  originalQuestion: string
  originalAnswer: string
  /** The annotated question before `#init:`. */
  questionText: string
  questionSlots: QuestionSlot[]
  answerText: string
  answerSlots: AnswerSlot[]
  init: InitStatement[]
  conditions: TemplateExpression[]
  answerExpression: TemplateExpression
  /** Every `#init` target, in order. */
  variables: string[]
  /** Errata applied (see `templateErrata`), as readable notes; empty for a template used as written. */
  corrections: string[]
}

export interface ParseTemplateOptions {
  /** Apply the known corrections of `templateErrata`. Defaults to `true`. */
  errata?: boolean
}

/**
 * Reads a GSM-Symbolic template. `question_annotated` is the question with `{var,default}` slots, then sections:
 *
 *     #init:
 *     - n = sample(names)                     one variable
 *     - h_1, h_3 = sample([...], 2)           several (distinct) at once
 *     - $x = range(10, 500, 10)               `$`: numeric; a bare list or range means "one of these"
 *     #conditions:
 *     - divides(x * 12, k*y)                  each must hold, else the sample is rejected
 *     #answer: int((k * y)/ (x * 12) * 100)   also written `#answer = …` and `#answer: {expr}`
 *
 * `answer_annotated` is the worked solution with `{expr}` slots, ending `#### {expr}`. Every expression is parsed
 * here, so a malformed template fails on load, naming the template, the field and the expression.
 */
export function parseSymbolicTemplate(record: SymbolicTemplateRecord, options: ParseTemplateOptions = {}): SymbolicTemplate {
  const id = record.id_shuffled
  const fail = (field: string, message: string): never => {
    throw new AppError('invalid_input', `template ${id}: ${message}`, { field })
  }
  const parse = (field: string, where: string, source: string): TemplateExpression => {
    const trimmed = source.trim()
    if (trimmed === '') fail(field, `empty expression in ${where}`)
    try {
      const expr = parseExpression(trimmed)
      return { source: trimmed, expr, names: freeNames(expr) }
    } catch (error) {
      if (error instanceof ExpressionError) return fail(field, `${where} '${trimmed}': ${error.message}`)
      throw error
    }
  }

  const annotated = record.question_annotated.replace(/\r\n/g, '\n')
  const lines = annotated.split('\n')
  const initLine = lines.findIndex((line) => /^\s*#init\s*:/.test(line))
  if (initLine < 0) fail('question_annotated', "no '#init:' section")
  const questionText = lines.slice(0, initLine).join('\n').trimEnd()

  const init: InitStatement[] = []
  const conditions: TemplateExpression[] = []
  let answerExpression: TemplateExpression | undefined
  let section: 'init' | 'conditions' | 'answer' | null = null
  for (let i = initLine; i < lines.length; i++) {
    const line = lines[i]!.trim()
    if (line === '') continue
    const header = /^#\s*(init|conditions|answer)\s*[:=]\s*(.*)$/.exec(line)
    if (header) {
      section = header[1] as 'init' | 'conditions' | 'answer'
      const rest = header[2]!.trim()
      if (section === 'answer' && rest !== '') {
        if (answerExpression) fail('question_annotated', 'two #answer sections')
        answerExpression = parse('question_annotated', '#answer', unwrapBraces(rest))
      } else if (rest !== '') fail('question_annotated', `unexpected text after #${section}: '${rest}'`)
      continue
    }
    if (!line.startsWith('-')) fail('question_annotated', `line ${i + 1} of question_annotated is not a '- …' item: '${line}'`)
    const item = line.slice(1).trim()
    if (section === 'init') init.push(parseInit(item, (source) => parse('question_annotated', '#init', source), (m) => fail('question_annotated', m)))
    else if (section === 'conditions') conditions.push(parse('question_annotated', '#conditions', item))
    else if (section === 'answer') {
      if (answerExpression) fail('question_annotated', 'two #answer expressions')
      answerExpression = parse('question_annotated', '#answer', unwrapBraces(item))
    }
  }
  if (!answerExpression) return fail('question_annotated', "no '#answer:' expression")
  const corrections: string[] = []
  const erratum = templateErrata.find((e) => e.id === id && e.originalId === record.id_orig && e.wrongAnswerExpression === answerExpression!.source)
  if (erratum && options.errata !== false) {
    answerExpression = parse('question_annotated', '#answer', erratum.correctedAnswerExpression)
    corrections.push(`#answer '${erratum.wrongAnswerExpression}' corrected to '${erratum.correctedAnswerExpression}': ${erratum.reason}`)
  }

  const variables = init.flatMap((statement) => statement.targets)
  const duplicate = variables.find((name, i) => variables.indexOf(name) !== i)
  if (duplicate) fail('question_annotated', `#init defines '${duplicate}' twice`)

  const questionSlots: QuestionSlot[] = []
  for (const match of questionText.matchAll(/\{([^{}]*)\}/g)) {
    const content = match[1]!
    const comma = content.indexOf(',')
    const variable = (comma < 0 ? content : content.slice(0, comma)).trim()
    if (comma < 0) fail('question_annotated', `question slot '{${content}}' has no default ('{name,default}')`)
    if (!variables.includes(variable)) fail('question_annotated', `question slot '{${content}}' names '${variable}', which #init does not define`)
    questionSlots.push({ variable, defaultText: content.slice(comma + 1).trim(), start: match.index, end: match.index + match[0].length })
  }

  const answerText = record.answer_annotated.replace(/\r\n/g, '\n').trim()
  const answerSlots: AnswerSlot[] = []
  for (const match of answerText.matchAll(/\{([^{}]*)\}/g)) {
    const parsed = parse('answer_annotated', 'answer text slot', match[1]!)
    answerSlots.push({ ...parsed, start: match.index, end: match.index + match[0].length })
  }
  if (!/####\s*\{[^{}]*\}\s*$/.test(answerText)) fail('answer_annotated', "does not end with '#### {expression}'")

  return {
    id,
    originalId: record.id_orig,
    originalQuestion: record.question,
    originalAnswer: record.answer,
    questionText,
    questionSlots,
    answerText,
    answerSlots,
    init,
    conditions,
    answerExpression,
    variables,
    corrections
  }
}

function parseInit(item: string, parse: (source: string) => TemplateExpression, fail: (message: string) => never): InitStatement {
  // The first `=` that is not part of `==`, `<=`, `>=` or `!=`.
  const match = /^([$\w\s,]+?)\s*=(?!=)\s*(.+)$/.exec(item)
  if (!match) return fail(`#init item '${item}' is not 'name = expression'`)
  const rawTargets = match[1]!.split(',').map((target) => target.trim())
  const numeric = rawTargets.some((target) => target.startsWith('$'))
  const targets = rawTargets.map((target) => target.replace(/^\$/, ''))
  for (const target of targets) if (!/^[A-Za-z_]\w*$/.test(target)) fail(`#init item '${item}': '${target}' is not a variable name`)
  return { ...parse(match[2]!), targets, numeric }
}

/** `#answer: {t+(k/Fraction(mult *m ,t))}` (template 17) writes the expression as an answer-text slot. */
function unwrapBraces(source: string): string {
  const trimmed = source.trim()
  return /^\{[^{}]*\}$/.test(trimmed) ? trimmed.slice(1, -1) : trimmed
}
