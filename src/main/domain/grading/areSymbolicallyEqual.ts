import { ComputeEngine, isNumber, type Expression } from '@cortex-js/compute-engine'

/**
 * Symbolic comparison of two LaTeX expressions with @cortex-js/compute-engine, for the answers string
 * normalization cannot match (`2\sqrt{2}` vs `\sqrt{8}`, `(x-2)(x+2)` vs `x^2-4`).
 *
 * Both sides are evaluated numerically, never simplified: constant expressions are compared by value, and
 * expressions with variables at three fixed points (so `2k+2` equals `2(k+1)`). Values agree when they
 * differ by at most 1e-9 relative, so a decimal approximation such as `1.414` is not `\sqrt{2}` (MATH asks
 * for exact forms, as PRM800K's grader does).
 *
 * The engine's own `isEqual` is not used: it can run for seconds (`2^{100000000}` takes ~8 s) and its time
 * limit does not interrupt it. Instead every input is parsed without canonicalization first and refused
 * when it could be expensive (huge exponents or factorials, sums, integrals, long inputs); a refused or
 * unparsable input is "not equal", so the caller's string comparison decides. Nothing ever throws out.
 */
export function areSymbolicallyEqual(a: string, b: string): boolean {
  return compareSymbolically(a, b) === 'equal'
}

/**
 * What {@link areSymbolicallyEqual} found: `unparsable` when compute-engine cannot read a side, `refused` when a
 * side could be expensive to evaluate, so the caller can say why an answer was graded wrong.
 */
export type SymbolicVerdict = 'equal' | 'different' | 'unparsable' | 'refused'

export function compareSymbolically(a: string, b: string): SymbolicVerdict {
  return guarded<SymbolicVerdict>('different', () => {
    const ea = parseSafely(a)
    const eb = parseSafely(b)
    if (ea === 'unparsable' || eb === 'unparsable') return 'unparsable'
    if (ea === 'refused' || eb === 'refused') return 'refused'
    return sameFunction(ea, eb) ? 'equal' : 'different'
  })
}

/** The numeric value of a constant expression (`\sqrt{2}`, `\frac{\pi}{6}`), or null (variables, unparsable, complex). */
export function constantValue(latex: string): number | null {
  return guarded<number | null>(null, () => {
    const e = parseSafely(latex)
    if (typeof e === 'string' || e.unknowns.length > 0) return null
    const v = valueAt(e, [], [])
    return v && Math.abs(v.im) <= tolerance * Math.max(1, Math.abs(v.re)) ? v.re : null
  })
}

/**
 * Whether two equations `lhs = rhs` have the same solutions as polynomials-like relations: `lhs - rhs` of
 * one is a non-zero constant multiple of the other's (`x + y = 1` and `2x + 2y - 2 = 0`), checked at the
 * same fixed points.
 */
export function areEquationsEquivalent(a: Equation, b: Equation): boolean {
  return proportionality(a, b) !== null
}

/**
 * Whether two inequalities `lhs < rhs` (or ≤, ≠, written with `lhs - rhs` on the left of the relation) hold for the
 * same values: `lhs - rhs` of one is a constant multiple of the other's, positive for < and ≤, any for ≠.
 */
export function areInequalitiesEquivalent(a: Equation, b: Equation, signMatters: boolean): boolean {
  const ratio = proportionality(a, b)
  if (ratio === null) return false
  return !signMatters || (Math.abs(ratio.im) <= tolerance && ratio.re > 0)
}

/** The constant c with `a.lhs - a.rhs = c (b.lhs - b.rhs)` at the sample points, or null. */
function proportionality(a: Equation, b: Equation): Complex | null {
  return guarded<Complex | null>(null, () => {
    const fa = parseSafely(`(${a.lhs})-(${a.rhs})`)
    const fb = parseSafely(`(${b.lhs})-(${b.rhs})`)
    if (typeof fa === 'string' || typeof fb === 'string') return null
    const variables = unionOf(fa.unknowns, fb.unknowns)
    if (variables.length > maxVariables) return null
    let ratio: Complex | null = null
    let checked = 0
    for (const point of samplePoints) {
      const va = valueAt(fa, variables, point)
      const vb = valueAt(fb, variables, point)
      if (!va || !vb) return null
      const aZero = isNearZero(va)
      const bZero = isNearZero(vb)
      if (aZero && bZero) continue
      if (aZero !== bZero) return null
      const r = divide(va, vb)
      if (ratio && !areClose(ratio, r)) return null
      ratio = r
      checked++
    }
    return checked >= (variables.length === 0 ? 1 : 2) ? ratio : null
  })
}

export interface Equation {
  lhs: string
  rhs: string
}

type MathJson = unknown

interface Complex {
  re: number
  im: number
}

// Inputs longer than this are not answers; refusing them bounds the parser's work.
const maxLatexLength = 300
// A wall-clock guard; the structural checks in isSafe are what keeps evaluation cheap.
const timeLimitMs = 1000
const tolerance = 1e-9
const maxVariables = 5
const maxExponent = 300
const maxFactorial = 170
const maxLiteralDigits = 40
// Irregular values, so a rational function is unlikely to hit a pole or a coincidental equality.
const samplePoints: readonly (readonly number[])[] = [
  [0.5377, 1.8339, -2.2588, 0.8622, 0.3188],
  [1.3077, -0.4336, 0.3426, 3.5784, 2.7694],
  [-1.3499, 3.0349, 0.7254, -0.0631, 0.7147]
]
const forbiddenHeads = new Set([
  'Sum',
  'Product',
  'Integrate',
  'NIntegrate',
  'Limit',
  'NLimit',
  'D',
  'Derivative',
  'ND',
  'Loop',
  'Block',
  'Function',
  'Assign',
  'Declare',
  'Solve'
])
const expensiveHeads = new Set(['Power', 'Exp', 'Factorial', 'Factorial2', 'Gamma'])

// One engine for the whole process: building one takes ~100 ms and it holds no per-comparison state.
let sharedEngine: ComputeEngine | undefined
function engine(): ComputeEngine {
  sharedEngine ??= new ComputeEngine()
  return sharedEngine
}

function guarded<T extends string | number | object | null>(fallback: T, compare: () => T): T {
  try {
    return engine().withTimeLimit(timeLimitMs, compare as () => T extends Promise<unknown> ? never : T) as T
  } catch {
    return fallback
  }
}

function parseSafely(latex: string): Expression | 'unparsable' | 'refused' {
  if (latex.length === 0) return 'unparsable'
  if (latex.length > maxLatexLength) return 'refused'
  const ce = engine()
  const raw = ce.parse(latex, { form: 'raw' })
  if (!raw.isValid) return 'unparsable'
  if (!isSafe(raw.json, 0)) return 'refused'
  const expr = ce.parse(latex)
  return expr.isValid ? expr : 'unparsable'
}

function sameFunction(ea: Expression, eb: Expression): boolean {
  const variables = unionOf(ea.unknowns, eb.unknowns)
  if (variables.length > maxVariables) return false

  if (variables.length === 0) {
    const va = valueAt(ea, variables, [])
    const vb = valueAt(eb, variables, [])
    if (va && vb) return areClose(va, vb)
    // Infinities and numbers beyond doubles: equal only when the engine prints them the same.
    if (va || vb) return false
    const na = ea.N()
    const nb = eb.N()
    return isNumber(na) && isNumber(nb) && na.toString() === nb.toString()
  }

  let checked = 0
  for (const point of samplePoints) {
    const va = valueAt(ea, variables, point)
    const vb = valueAt(eb, variables, point)
    if (!va && !vb) continue // both undefined here (a pole, a log of a negative)
    if (!va || !vb || !areClose(va, vb)) return false
    checked++
  }
  return checked >= 2
}

function valueAt(expr: Expression, variables: readonly string[], point: readonly number[]): Complex | null {
  const ce = engine()
  let target = expr
  if (variables.length > 0) {
    const substitution: Record<string, Expression> = {}
    variables.forEach((name, i) => {
      substitution[name] = ce.number(point[i % point.length]!)
    })
    target = expr.subs(substitution)
  }
  const value = target.N()
  if (!isNumber(value)) return null
  const re = value.re
  const im = value.im
  if (!Number.isFinite(re) || !Number.isFinite(im)) return null
  return { re, im }
}

function areClose(a: Complex, b: Complex): boolean {
  const scale = Math.max(1, Math.hypot(a.re, a.im), Math.hypot(b.re, b.im))
  return Math.hypot(a.re - b.re, a.im - b.im) <= tolerance * scale
}

function isNearZero(a: Complex): boolean {
  return Math.hypot(a.re, a.im) <= tolerance
}

function divide(a: Complex, b: Complex): Complex {
  const d = b.re * b.re + b.im * b.im
  return { re: (a.re * b.re + a.im * b.im) / d, im: (a.im * b.re - a.re * b.im) / d }
}

function unionOf(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].sort()
}

/** Refuses what could make the engine work for long: see the module comment. */
function isSafe(json: MathJson, depth: number): boolean {
  if (depth > 50) return false
  if (typeof json === 'number') return true
  if (typeof json === 'string') return json.length <= 100
  if (Array.isArray(json)) {
    const [head, ...args] = json as unknown[]
    if (typeof head === 'string') {
      if (forbiddenHeads.has(head)) return false
      if (head === 'Power' || head === 'Root') {
        const exponent = args[1]
        const n = numericValue(exponent)
        if (n !== null ? Math.abs(n) > maxExponent : containsHead(exponent, expensiveHeads, 0)) return false
      }
      if (head === 'Factorial' || head === 'Factorial2' || head === 'Gamma') {
        const n = numericValue(args[0])
        if (n !== null ? Math.abs(n) > maxFactorial : containsHead(args[0], expensiveHeads, 0)) return false
      }
      if (head === 'Binomial' || head === 'Choose') {
        if (args.some((arg) => Math.abs(numericValue(arg) ?? 0) > 1000)) return false
      }
    }
    return json.every((part) => isSafe(part, depth + 1))
  }
  if (json && typeof json === 'object') {
    const o = json as { num?: unknown; fn?: unknown; str?: unknown; sym?: unknown }
    if (typeof o.num === 'string') return o.num.replace(/[^0-9]/g, '').length <= maxLiteralDigits
    if (o.fn !== undefined) return isSafe(o.fn, depth + 1)
    return true
  }
  return true
}

function numericValue(json: MathJson): number | null {
  if (typeof json === 'number') return json
  if (Array.isArray(json) && json.length === 2 && (json[0] === 'Negate' || json[0] === 'Delimiter')) {
    return numericValue(json[1])
  }
  if (json && typeof json === 'object' && typeof (json as { num?: unknown }).num === 'string') {
    const n = Number((json as { num: string }).num)
    return Number.isNaN(n) ? Infinity : n
  }
  return null
}

function containsHead(json: MathJson, heads: ReadonlySet<string>, depth: number): boolean {
  if (depth > 50) return true
  if (Array.isArray(json)) {
    if (typeof json[0] === 'string' && heads.has(json[0])) return true
    return json.some((part) => containsHead(part, heads, depth + 1))
  }
  return false
}
