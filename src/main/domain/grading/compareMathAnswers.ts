import { areEquationsEquivalent, areInequalitiesEquivalent, compareSymbolically, constantValue } from './areSymbolicallyEqual'
import { makeExactNumber } from './ExactNumber'
import { normalizeMathAnswer, prepareMathAnswer } from './normalizeMathAnswer'
import { closeToSixPlaces, mathNumbersEqual, parseMathNumber, type MathNumber } from './parseMathNumber'
import { parseRelation, type Relation, type RelationOperator } from './parseRelation'
import { closingBracket, splitTopLevel } from './splitTopLevel'
import { convertUnits, readUnit } from './unitConversions'

/** The verdict on a MATH answer, with the reason in words (shown to the user and written by `malt grade`). */
export interface MathComparison {
  equivalent: boolean
  reason: string
}

export interface CompareMathOptions {
  /**
   * Wall-clock budget of one comparison in milliseconds; past it the answer is graded wrong with a reason. The
   * budget is checked between steps, and each compute-engine step is bounded by refusing expensive inputs.
   * Defaults to `1000`.
   */
  timeLimitMs?: number
  /** Milliseconds since some origin; defaults to `performance.now`. Tests pass a fake clock. */
  clock?: () => number
}

export const defaultMathTimeLimitMs = 1000

/**
 * Whether a predicted MATH answer is equivalent to the gold one, and why. It never throws: an answer that cannot be
 * parsed, or that takes too long, is graded wrong with the reason.
 *
 * Both sides are first cleaned ({@link prepareMathAnswer}: wrappers, `\left`/`\right`, `\text{}`, units, degrees,
 * `$`, `%`, spacing), then compared by the first rule that applies:
 * - the same text, or the same choice letter (`\text{(C)}` and `C`);
 * - numbers: exact as fractions (`0.5` = `\frac{1}{2}`), thousands separators (`7,425,000`), an unambiguous decimal
 *   comma (`3,14` against a plain number), scientific notation (`1.5\times10^{3}`), rounding to 6 decimal places
 *   within half a unit of the 6th decimal place when a side is written as a decimal (`0.333333` = `\frac13`,
 *   `0.333` ≠ `\frac13`), a percent read either way
 *   (`50\%` = `50` = `0.5`), the same quantity in other units (`1.5 \text{ m}` = `150 \text{ cm}`);
 * - a chain `a = b = c` by its last value (`x = 5+5+1 = 7 = 11` is `x = 11`); an assignment `x = 5` by its value
 *   against a value; equations by their solution set (`lhs - rhs` proportional: `2x+4y-3=0` =
 *   `y=-\frac{1}{2}x+\frac{3}{4}`); inequalities as the same relation (`x \geq 5` = `5 \leq x`, `x != 3` =
 *   `x \neq 3`) or as the interval they describe (`1 < x \leq 3` = `(1, 3]`);
 * - matrices and vectors in any environment (`pmatrix`, `bmatrix`, `\left[\begin{array}{cc}…\end{array}\right]`),
 *   cell by cell; sets `\{…\}`, `±` and comma lists of solutions as multisets; unions `\cup` in order; intervals and
 *   tuples with their brackets (`(3,4]` ≠ `(3,4)`);
 * - anything else with compute-engine ({@link compareSymbolically}): `2\sqrt{2}` = `\sqrt{8}`, `(x-2)(x+2)` = `x^2-4`.
 *
 * Numbers in another base (`52_8`) compare only as strings: `52_8` and `42` are the same number but not the same
 * answer.
 */
export function compareMathAnswers(prediction: string | null | undefined, gold: string | null | undefined, options: CompareMathOptions = {}): MathComparison {
  if (prediction == null || prediction.trim().length === 0) return { equivalent: false, reason: 'no answer' }
  if (gold == null || gold.trim().length === 0) return { equivalent: false, reason: 'the gold answer is empty' }
  const limit = options.timeLimitMs ?? defaultMathTimeLimitMs
  const clock = options.clock ?? (() => performance.now())
  const comparison = new Comparison(clock() + limit, clock)
  try {
    const a = readSide(prediction)
    const b = readSide(gold)
    if (a.text.length === 0) return { equivalent: false, reason: `nothing is left of the answer ${quote(prediction)} once its markup is removed` }
    if (b.text.length === 0) return { equivalent: false, reason: `nothing is left of the gold answer ${quote(gold)} once its markup is removed` }
    if (comparison.sides(a, b)) return { equivalent: true, reason: comparison.how ?? 'equivalent' }
    if (comparison.unreadable) return { equivalent: false, reason: `could not parse ${quote(comparison.unreadable)}` }
    if (comparison.refused) return { equivalent: false, reason: `${quote(comparison.refused)} is too large to evaluate` }
    return { equivalent: false, reason: `${quote(a.text)} is not equivalent to ${quote(b.text)}` }
  } catch (error) {
    if (error instanceof TimeLimitExceeded) return { equivalent: false, reason: `gave up after the ${limit} ms time limit` }
    // The rules above are meant to be total; a bug in one grades wrong rather than failing the caller.
    const fallback = normalizeMathAnswer(prediction) === normalizeMathAnswer(gold)
    return { equivalent: fallback, reason: `compared as normalized text (${(error as Error).message})` }
  }
}

interface Side {
  /** The cleaned LaTeX. */
  text: string
  /** Written with a percent sign. */
  percent: boolean
  /** The unit it was written with (`cm`), or null. */
  unit: string | null
  /** Written as a letter in text (`\text{D}`, `\text{(B)}`): a choice, whose case does not matter. */
  choice: string | null
}

function readSide(raw: string): Side {
  const choice = /^\s*\$?\s*\\text(?:bf|rm)?\s*\{\s*\(?([A-Za-z])\)?\s*\}\s*\$?\s*$/.exec(raw)?.[1]?.toUpperCase() ?? null
  return { text: prepareMathAnswer(raw), percent: /\\?%\s*[.$]*\s*$|\\text\{\s*percent\s*\}/.test(raw), unit: readUnit(raw), choice }
}

class TimeLimitExceeded extends Error {}

// Nested structures deeper than this are not answers; the cap bounds the recursion.
const maxDepth = 6

class Comparison {
  /** How the answers were found equal, for the reason. */
  how: string | undefined
  /** A part compute-engine could not read, or refused as too expensive. */
  unreadable: string | undefined
  refused: string | undefined

  constructor(
    private readonly deadline: number,
    private readonly clock: () => number
  ) {}

  sides(a: Side, b: Side): boolean {
    if (this.equivalent(a.text, b.text, 0)) return true
    // A choice written in text against a bare letter of either case: \text{D} and d.
    const letter = (side: Side) => side.choice ?? (/^\(?([A-Za-z])\)?$/.exec(compact(side.text))?.[1]?.toUpperCase() ?? null)
    if ((a.choice || b.choice) && letter(a) !== null && letter(a) === letter(b)) return this.found('the same choice')
    // A percent reads as the number and as the number over 100: 50\% is 50 and 0.5.
    if (a.percent !== b.percent) {
      const na = parseMathNumber(compact(a.text))
      const nb = parseMathNumber(compact(b.text))
      if (na && nb) {
        const [pct, other] = a.percent ? [na, nb] : [nb, na]
        if (mathNumbersEqual(hundredth(pct), other)) return this.found('equal as a percent')
      }
    }
    if (a.unit && b.unit && a.unit !== b.unit) {
      const na = parseMathNumber(compact(a.text))
      const nb = parseMathNumber(compact(b.text))
      const converted = na && convertUnits(na, a.unit, b.unit)
      if (converted && nb && mathNumbersEqual(converted, nb)) return this.found(`equal after converting ${a.unit} to ${b.unit}`)
    }
    return false
  }

  /** Records how the answers matched; the outermost rule, which returns last, names the reason. */
  private found(how: string): true {
    this.how = how
    return true
  }

  private check(): void {
    if (this.clock() > this.deadline) throw new TimeLimitExceeded()
  }

  equivalent(a: string, b: string, depth: number): boolean {
    this.check()
    const ka = compact(a)
    const kb = compact(b)
    if (ka === kb) return this.found('the same once normalized')
    if (ka.length === 0 || kb.length === 0 || depth > maxDepth) return false

    const la = choiceLetter(ka)
    const lb = choiceLetter(kb)
    if (la && lb) return la === lb && this.found('the same choice')

    const numbers = this.numbers(a, b, ka, kb)
    if (numbers !== null) return numbers

    const relations = this.relations(a, b, depth)
    if (relations !== null) return relations
    if (isBaseNumeral(ka) || isBaseNumeral(kb)) return false

    const structures = this.structures(a, b, depth)
    if (structures !== null) return structures

    return this.symbolic(a, b, ka, kb)
  }

  /** Both sides numbers: their verdict; otherwise null. */
  private numbers(a: string, b: string, ka: string, kb: string): boolean | null {
    let na = asNumber(a)
    let nb = asNumber(b)
    if (na && !nb && !ka.includes(',') && !/,\s/.test(b)) nb = parseMathNumber(kb, { decimalComma: true })
    if (nb && !na && !kb.includes(',') && !/,\s/.test(a)) na = parseMathNumber(ka, { decimalComma: true })
    if (!na || !nb) return null
    return mathNumbersEqual(na, nb) && this.found('equal as numbers')
  }

  /** A verdict when either side is a relation (equation, inequality, chain); otherwise null. */
  private relations(a: string, b: string, depth: number): boolean | null {
    const ra = reduceChain(parseRelation(a), a)
    const rb = reduceChain(parseRelation(b), b)
    if (!ra.relation && !rb.relation) {
      // Chains that reduced to their last value.
      if (ra.value !== a || rb.value !== b) return this.equivalent(ra.value, rb.value, depth + 1)
      return null
    }
    if (ra.relation && rb.relation) return this.bothRelations(ra.relation, rb.relation, depth)
    const [relation, value] = ra.relation ? [ra.relation, rb.value] : [rb.relation!, ra.value]
    // `x = 5` against `5`: the value it assigns.
    if (isAssignment(relation)) return this.equivalent(relation.parts[1]!, value, depth + 1)
    // `5+5+1 = 11` against `11`: a worked computation counts by its result.
    if (relation.operators.length === 1 && relation.operators[0] === '=' && isConstant(relation.parts[0]!) && isConstant(relation.parts[1]!)) {
      return this.equivalent(relation.parts[1]!, value, depth + 1)
    }
    // `x \geq 5` against `[5, \infty)`.
    const interval = intervalOf(relation)
    if (interval && /^[([]/.test(value.trim())) return this.equivalent(interval, value, depth + 1) && this.found('the same interval')
    return false
  }

  private bothRelations(a: Relation, b: Relation, depth: number): boolean {
    const equations = a.operators.every((op) => op === '=') && b.operators.every((op) => op === '=')
    if (equations) {
      if (a.parts.length !== 2 || b.parts.length !== 2) return false
      if (isAssignment(a) && isAssignment(b) && compact(a.parts[0]!) === compact(b.parts[0]!)) {
        return this.equivalent(a.parts[1]!, b.parts[1]!, depth + 1)
      }
      this.check()
      return areEquationsEquivalent({ lhs: a.parts[0]!, rhs: a.parts[1]! }, { lhs: b.parts[0]!, rhs: b.parts[1]! }) && this.found('the same equation')
    }
    const ia = inequalities(a)
    const ib = inequalities(b)
    if (!ia || !ib || ia.length !== ib.length) return false
    const unused = [...ib]
    for (const x of ia) {
      this.check()
      const at = unused.findIndex((y) => y.operator === x.operator && areInequalitiesEquivalent(x, y, x.operator !== '!='))
      if (at < 0) return false
      unused.splice(at, 1)
    }
    return this.found('the same relation')
  }

  /** A verdict when either side is a matrix, set, list, union, interval or tuple; otherwise null. */
  private structures(a: string, b: string, depth: number): boolean | null {
    const ma = parseMatrix(a)
    const mb = parseMatrix(b)
    if (ma || mb) {
      if (!ma || !mb || ma.length !== mb.length) return false
      const same = ma.every((row, i) => {
        const other = mb[i]!
        return row.length === other.length && row.every((cell, j) => this.equivalent(cell, other[j]!, depth + 1))
      })
      return same && this.found('the same matrix')
    }

    // A one-element set is its element: \{3\} and 3.
    const sa = singleton(a)
    const sb = singleton(b)
    if (sa !== null || sb !== null) {
      if (sa !== null && sb !== null) return this.equivalent(sa, sb, depth + 1)
      if (sa !== null && !isUnordered(b) && this.equivalent(sa, b, depth + 1)) return true
      if (sb !== null && !isUnordered(a) && this.equivalent(a, sb, depth + 1)) return true
    }

    const ua = splitTopLevel(a, '\\cup')
    const ub = splitTopLevel(b, '\\cup')
    if (ua.length > 1 || ub.length > 1) return this.sameSequence(ua, ub, depth) && this.found('the same union')

    if (isUnordered(a) || isUnordered(b) || isList(a) || isList(b)) {
      // `15,000` is a number with a thousands separator, never the list 15, 000.
      const ia = asNumber(a) ? [a] : unorderedItems(a)
      const ib = asNumber(b) ? [b] : unorderedItems(b)
      if (ia.length > 1 || ib.length > 1) return this.sameMultiset(ia, ib, depth) && this.found('the same set of answers')
    }

    const ta = parseBracketed(a)
    const tb = parseBracketed(b)
    if (ta || tb) {
      if (!ta || !tb || openOf(ta) !== openOf(tb) || closeOf(ta) !== closeOf(tb)) return false
      return this.sameSequence(ta.items, tb.items, depth) && this.found(ta.open === ta.close ? 'the same tuple' : 'the same interval or tuple')
    }
    return null
  }

  private symbolic(a: string, b: string, ka: string, kb: string): boolean {
    this.check()
    // A decimal against an exact value: rounded to 6 places, as a decimal answer is (`1.414214` = `\sqrt{2}`).
    const na = parseMathNumber(ka)
    const nb = parseMathNumber(kb)
    const decimal = na?.approximate ? { number: na, other: b } : nb?.approximate ? { number: nb, other: a } : null
    if (decimal) {
      const value = constantValue(decimal.other)
      if (value !== null && Number.isFinite(value)) {
        return closeToSixPlaces(decimal.number.value, value) && this.found('equal to 6 decimal places')
      }
    }
    const verdict = compareSymbolically(a, b)
    if (verdict === 'equal') return this.found('symbolically equal')
    if (verdict === 'unparsable') this.unreadable ??= compareSymbolically(a, a) === 'unparsable' ? a : b
    if (verdict === 'refused') this.refused ??= compareSymbolically(a, a) === 'refused' ? a : b
    return false
  }

  private sameSequence(a: readonly string[], b: readonly string[], depth: number): boolean {
    return a.length === b.length && a.every((item, i) => this.equivalent(item, b[i]!, depth + 1))
  }

  private sameMultiset(a: readonly string[], b: readonly string[], depth: number): boolean {
    if (a.length !== b.length) return false
    const unused = [...b]
    for (const item of a) {
      const at = unused.findIndex((other) => this.equivalent(item, other, depth + 1))
      if (at < 0) return false
      unused.splice(at, 1)
    }
    return true
  }
}

function compact(s: string): string {
  const k = s.replace(/\s+/g, '')
  return /^[a-z]+$/i.test(k) && k.length > 1 ? k.toLowerCase() : k
}

/** One number, where a comma followed by a space separates list items (`45, 135`) rather than thousands. */
function asNumber(s: string): MathNumber | null {
  return /,\s/.test(s) ? null : parseMathNumber(compact(s))
}

function quote(s: string): string {
  const short = s.length > 80 ? `${s.slice(0, 77)}…` : s
  return `"${short}"`
}

function hundredth(n: MathNumber): MathNumber {
  return { value: makeExactNumber(n.value.numerator, n.value.denominator * 100n), approximate: n.approximate }
}

/** `C`, `(C)`, `C)`, `C.`: a multiple-choice letter. */
function choiceLetter(k: string): string | null {
  const m = /^\(?([A-E])\)?[.:]?$/.exec(k)
  return m && (k.length > 1 || /^[A-E]$/.test(k)) ? m[1]! : null
}

function isBaseNumeral(s: string): boolean {
  return /^[0-9A-Z]+_\d+$/.test(s)
}

/** A variable (`x`, `y_1`, `\theta`, `f(x)`), the left side of an assignment. */
function isVariable(s: string): boolean {
  return /^(?:[a-zA-Z](?:_\{?\w+\}?)?|\\[a-zA-Z]+|[a-zA-Z]\([a-zA-Z]\))$/.test(s.replace(/\s+/g, ''))
}

function isAssignment(r: Relation): boolean {
  return r.operators.length === 1 && r.operators[0] === '=' && isVariable(r.parts[0]!)
}

/**
 * A chain of equalities counts by its last value: `x = 5+5+1 = 7 = 11` becomes `x = 11`, and `5+5+1 = 7 = 11`
 * becomes `11`. A single equation whose left side is not a variable stays an equation.
 */
function reduceChain(r: Relation | null, text: string): { relation: Relation | null; value: string } {
  if (!r) return { relation: null, value: text }
  r = withoutApproximation(r)
  if (r.operators.length === 0) return { relation: null, value: r.parts[0]! }
  if (r.operators.every((op) => op === '=') && r.parts.length >= 3) {
    const last = r.parts.at(-1)!
    if (isVariable(r.parts[0]!)) return { relation: { parts: [r.parts[0]!, last], operators: ['='] }, value: text }
    return { relation: null, value: last }
  }
  return { relation: r, value: text }
}

/**
 * An approximation after an exact value is not the answer: `x = \frac13 \approx 0.33` is `x = \frac13`. Alone,
 * `x \approx 11` states the value 11.
 */
function withoutApproximation(r: Relation): Relation {
  const first = r.operators.indexOf('~')
  if (first < 0) return r
  if (first === 0) return { parts: r.parts, operators: r.operators.map((op) => (op === '~' ? '=' : op)) }
  return { parts: r.parts.slice(0, first + 1), operators: r.operators.slice(0, first) }
}

/** No variables: digits, operators and constants only (`5+5+1`, `2\cdot\pi`). */
function isConstant(s: string): boolean {
  return !/[a-zA-Z]/.test(s.replace(/\\(?:frac|dfrac|tfrac|sqrt|pi|cdot|times|div|left|right)(?![a-zA-Z])/g, ''))
}

interface Inequality {
  lhs: string
  rhs: string
  operator: '<' | '<=' | '!='
}

/** A chain of inequalities as `lhs < rhs`, `lhs <= rhs` or `lhs != rhs` pieces (`>` flips its sides). */
function inequalities(r: Relation): Inequality[] | null {
  const out: Inequality[] = []
  for (let i = 0; i < r.operators.length; i++) {
    const op = r.operators[i]!
    const left = r.parts[i]!
    const right = r.parts[i + 1]!
    if (op === '=' || op === '~') return null
    if (op === '>' || op === '>=') out.push({ lhs: right, rhs: left, operator: op === '>' ? '<' : '<=' })
    else out.push({ lhs: left, rhs: right, operator: op })
  }
  return out
}

/** The interval an inequality in one variable describes (`x \geq 5` → `[5,\infty)`, `1 < x \leq 3` → `(1,3]`). */
function intervalOf(r: Relation): string | null {
  const isBound = (s: string) => isConstant(s.replace(/\\infty/g, ''))
  const ops = r.operators
  if (ops.length === 1) {
    const [left, right] = r.parts as [string, string]
    const op: RelationOperator = ops[0]!
    if (op === '=' || op === '~') return null
    if (isVariable(left) && isBound(right)) return half(op, right)
    if (isVariable(right) && isBound(left)) return half(flip(op), left)
    return null
  }
  if (ops.length === 2 && isVariable(r.parts[1]!) && isBound(r.parts[0]!) && isBound(r.parts[2]!)) {
    const [a, b] = ops as [RelationOperator, RelationOperator]
    if ((a === '<' || a === '<=') && (b === '<' || b === '<=')) return `${a === '<' ? '(' : '['}${r.parts[0]},${r.parts[2]}${b === '<' ? ')' : ']'}`
    if ((a === '>' || a === '>=') && (b === '>' || b === '>=')) return `${b === '>' ? '(' : '['}${r.parts[2]},${r.parts[0]}${a === '>' ? ')' : ']'}`
  }
  return null
}

/** `x op bound` as an interval. */
function half(op: RelationOperator, bound: string): string | null {
  switch (op) {
    case '<':
      return `(-\\infty,${bound})`
    case '<=':
      return `(-\\infty,${bound}]`
    case '>':
      return `(${bound},\\infty)`
    case '>=':
      return `[${bound},\\infty)`
    case '!=':
      return `(-\\infty,${bound})\\cup(${bound},\\infty)`
    case '=':
    case '~':
      return null
  }
}

function flip(op: RelationOperator): RelationOperator {
  return op === '<' ? '>' : op === '>' ? '<' : op === '<=' ? '>=' : op === '>=' ? '<=' : op
}

/** A matrix or vector in any environment, with or without brackets around an `array`: its rows of cells. */
function parseMatrix(s: string): string[][] | null {
  const m = /^[[(]?\s*\\begin\{([pbBvV]?matrix|smallmatrix|array)\}(?:\{[^}]*\})?(.*)\\end\{\1\}\s*[\])]?$/s.exec(s.trim())
  if (!m) return null
  return m[2]!
    .split(/\\\\/)
    .map((row) => row.trim())
    .filter((row) => row.length > 0)
    .map((row) => row.split('&').map((cell) => cell.trim()))
}

function isSetLiteral(s: string): boolean {
  const t = s.trim()
  return t.startsWith('\\{') && t.endsWith('\\}') && closingBracket(t, 0) === t.length - 2
}

function singleton(s: string): string | null {
  if (!isSetLiteral(s)) return null
  const items = splitTopLevel(s.trim().slice(2, -2), ',')
  return items.length === 1 && items[0]!.length > 0 ? items[0]! : null
}

function isUnordered(s: string): boolean {
  return s.includes('\\pm') || s.includes('\\mp') || isSetLiteral(s)
}

/** A comma list at the top level (`1, -2`, `(1,2),(3,4)`): the solutions of a problem, in any order. */
function isList(s: string): boolean {
  return splitTopLevel(s, ',').length > 1 || splitTopLevel(s, ';').length > 1
}

/** The elements of a set `\{…\}`, a comma list or a `±` expression, with `±` expanded. */
function unorderedItems(s: string): string[] {
  const t = s.trim()
  const inner = isSetLiteral(t) ? t.slice(2, -2) : t
  const separator = splitTopLevel(inner, ',').length > 1 ? ',' : ';'
  return splitTopLevel(inner, separator).flatMap((item) => {
    const pm = /\\(pm|mp)(?![a-zA-Z])/.exec(item)
    if (!pm) return [item]
    const first = pm[1] === 'pm' ? '+' : '-'
    const second = pm[1] === 'pm' ? '-' : '+'
    const before = item.slice(0, pm.index)
    const after = item.slice(pm.index + pm[0].length)
    // "\pm 3" alone is "3, -3"; "1 \pm 3" is "1+3, 1-3".
    return [`${before}${first}${after}`, `${before}${second}${after}`]
  })
}

interface Bracketed {
  open: string
  close: string
  items: string[]
}

/** An interval's bracket at an infinite end is open whichever way it was written: `(2,\infty]` is `(2,\infty)`. */
function openOf(t: Bracketed): string {
  return t.items.length === 2 && /^-\\infty$/.test(compact(t.items[0]!)) ? '(' : t.open
}

function closeOf(t: Bracketed): string {
  return t.items.length === 2 && /^\+?\\infty$/.test(compact(t.items[1]!)) ? ')' : t.close
}

/** `(1, 2)`, `[a, b)`, `(-\infty, 0]`: one bracket pair around at least two comma-separated items. */
function parseBracketed(s: string): Bracketed | null {
  const t = s.trim()
  const open = t[0]
  const close = t.at(-1)
  if ((open !== '(' && open !== '[') || (close !== ')' && close !== ']')) return null
  if (closingBracket(t, 0) !== t.length - 1) return null
  const items = splitTopLevel(t.slice(1, -1), ',')
  return items.length >= 2 ? { open, close, items } : null
}
