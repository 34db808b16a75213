import { areEquationsEquivalent, areSymbolicallyEqual } from './areSymbolicallyEqual'
import { exactNumbersEqual, parseExactNumber } from './ExactNumber'
import { normalizeMathAnswer, prepareMathAnswer } from './normalizeMathAnswer'

/**
 * Whether a predicted MATH answer is equivalent to the gold one. Never throws; a null or empty prediction
 * is never equivalent.
 *
 * In order:
 * 1. normalized strings are equal ({@link normalizeMathAnswer}: Hendrycks/Minerva-style cleanup);
 * 2. exact numbers compare as fractions (`0.5` = `\frac{1}{2}` = `1/2`; `0.333` ≠ `\frac{1}{3}`);
 * 3. structures compare part by part: matrices (`pmatrix`/`bmatrix`, cell by cell), sets `\{…\}` and `±`
 *    (unordered: `1 \pm \sqrt{2}` = `1-\sqrt{2}, 1+\sqrt{2}`), unions `\cup`, intervals and tuples
 *    (brackets must match: `(3,4]` ≠ `(3,4)`), comma lists (ordered: `10, 4, -2` ≠ `4, 10, -2`, as in
 *    Hendrycks' tests) and equations (`lhs - rhs` proportional);
 * 4. anything else with compute-engine ({@link areSymbolicallyEqual}): `2\sqrt{2}` = `\sqrt{8}`.
 *
 * Numbers in another base (`52_8`) compare only as strings, since `52_8` and `42` are the same number but
 * not the same answer. `10,080` is read both as a number and as a list, and equivalent under either.
 */
export function isMathEquivalent(prediction: string | null | undefined, gold: string | null | undefined): boolean {
  if (prediction == null || gold == null) return false
  try {
    const a = prepareMathAnswer(prediction)
    const b = prepareMathAnswer(gold)
    if (a.length === 0 || b.length === 0) return false
    return equivalent(a, b, 0)
  } catch {
    return normalizeMathAnswer(prediction) === normalizeMathAnswer(gold)
  }
}

const maxDepth = 4

function equivalent(a: string, b: string, depth: number): boolean {
  const ka = compact(a)
  const kb = compact(b)
  if (ka === kb) return true
  if (ka.length === 0 || kb.length === 0) return false

  const na = parseExactNumber(ka)
  const nb = parseExactNumber(kb)
  if (na && nb) return exactNumbersEqual(na, nb)
  if (depth >= maxDepth) return false
  if (isBaseNumeral(ka) || isBaseNumeral(kb)) return false

  // `10,080`: a number with a thousands separator, or a two-item list.
  const aNumber = thousandsNumber(ka)
  const bNumber = thousandsNumber(kb)
  if (aNumber !== null || bNumber !== null) {
    if (equivalent(aNumber ?? a, bNumber ?? b, depth + 1)) return true
  }

  const ma = parseMatrix(a)
  const mb = parseMatrix(b)
  if (ma || mb) {
    if (!ma || !mb || ma.length !== mb.length) return false
    return ma.every((row, i) => {
      const other = mb[i]!
      return row.length === other.length && row.every((cell, j) => equivalent(cell, other[j]!, depth + 1))
    })
  }

  if (isUnordered(a) || isUnordered(b)) {
    return sameMultiset(unorderedItems(a), unorderedItems(b), depth)
  }

  const ua = splitTopLevel(a, '\\cup')
  const ub = splitTopLevel(b, '\\cup')
  if (ua.length > 1 || ub.length > 1) return sameSequence(ua, ub, depth)

  const ta = parseBracketed(a)
  const tb = parseBracketed(b)
  if (ta || tb) {
    if (!ta || !tb || ta.open !== tb.open || ta.close !== tb.close) return false
    return sameSequence(ta.items, tb.items, depth)
  }

  const la = splitTopLevel(a, ',')
  const lb = splitTopLevel(b, ',')
  if (la.length > 1 || lb.length > 1) return sameSequence(la, lb, depth)

  const ea = splitTopLevel(a, '=')
  const eb = splitTopLevel(b, '=')
  if (ea.length > 1 || eb.length > 1) {
    if (ea.length !== 2 || eb.length !== 2) return false
    return areEquationsEquivalent({ lhs: ea[0]!, rhs: ea[1]! }, { lhs: eb[0]!, rhs: eb[1]! })
  }

  return areSymbolicallyEqual(a, b)
}

function compact(s: string): string {
  const k = s.replace(/\s+/g, '')
  return /^[a-z]+$/i.test(k) && k.length > 1 ? k.toLowerCase() : k
}

function sameSequence(a: readonly string[], b: readonly string[], depth: number): boolean {
  return a.length === b.length && a.every((item, i) => equivalent(item, b[i]!, depth + 1))
}

function sameMultiset(a: readonly string[], b: readonly string[], depth: number): boolean {
  if (a.length !== b.length) return false
  const unused = [...b]
  for (const item of a) {
    const at = unused.findIndex((other) => equivalent(item, other, depth + 1))
    if (at < 0) return false
    unused.splice(at, 1)
  }
  return true
}

function isBaseNumeral(s: string): boolean {
  return /^[0-9A-Z]+_\d+$/.test(s)
}

function thousandsNumber(s: string): string | null {
  return /^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(s) ? s.replace(/,/g, '') : null
}

function isUnordered(s: string): boolean {
  return s.includes('\\pm') || s.includes('\\mp') || isSetLiteral(s)
}

function isSetLiteral(s: string): boolean {
  const t = s.trim()
  return t.startsWith('\\{') && t.endsWith('\\}') && closingOf(t, 0) === t.length - 2
}

/** The elements of a set `\{…\}`, a comma list or a `±` expression, with `±` expanded. */
function unorderedItems(s: string): string[] {
  const t = s.trim()
  const inner = isSetLiteral(t) ? t.slice(2, -2) : t
  return splitTopLevel(inner, ',').flatMap((item) => {
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

/** `(1, 2)`, `[a, b)`, `(-\infty, 0]`: one bracket pair around at least two comma-separated items. */
function parseBracketed(s: string): Bracketed | null {
  const t = s.trim()
  const open = t[0]
  const close = t.at(-1)
  if ((open !== '(' && open !== '[') || (close !== ')' && close !== ']')) return null
  if (closingOf(t, 0) !== t.length - 1) return null
  const items = splitTopLevel(t.slice(1, -1), ',')
  return items.length >= 2 ? { open, close, items } : null
}

function parseMatrix(s: string): string[][] | null {
  const m = /^\\begin\{([pbBvV]?matrix|array)\}(?:\{[^}]*\})?(.*)\\end\{\1\}$/s.exec(s.trim())
  if (!m) return null
  return m[2]!
    .split(/\\\\/)
    .map((row) => row.trim())
    .filter((row) => row.length > 0)
    .map((row) => row.split('&').map((cell) => cell.trim()))
}

const opening = new Set(['(', '[', '{'])
const closing = new Set([')', ']', '}'])

/**
 * The offset where the bracket opened at `start` closes. Bracket kinds are not matched against each other,
 * because a half-open interval `(3,4]` is balanced too. `\{`/`\}` count as brackets.
 */
function closingOf(s: string, start: number): number {
  let depth = 0
  for (let i = start; i < s.length; i++) {
    const c = s[i]!
    if (c === '\\') {
      const next = s[i + 1]
      if (next === '{' || next === '}') {
        depth += next === '{' ? 1 : -1
        if (depth === 0) return i
        i++
      }
      continue
    }
    if (opening.has(c)) depth++
    else if (closing.has(c) && --depth === 0) return i
  }
  return -1
}

/** Splits at `separator` where no bracket is open. */
function splitTopLevel(s: string, separator: string): string[] {
  const parts: string[] = []
  let depth = 0
  let start = 0
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!
    if (c === '\\') {
      const next = s[i + 1]
      if (next === '{' || next === '}') {
        depth += next === '{' ? 1 : -1
        i++
        continue
      }
      if (separator.startsWith('\\') && depth === 0 && s.startsWith(separator, i) && !/[a-zA-Z]/.test(s[i + separator.length] ?? '')) {
        parts.push(s.slice(start, i))
        start = i + separator.length
        i = start - 1
      }
      continue
    }
    if (opening.has(c)) depth++
    else if (closing.has(c)) depth--
    else if (depth === 0 && c === separator) {
      parts.push(s.slice(start, i))
      start = i + 1
    }
  }
  parts.push(s.slice(start))
  return parts.map((part) => part.trim()).filter((part, _, all) => all.length === 1 || part.length > 0)
}
