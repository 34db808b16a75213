/**
 * Pairs for cross-checking the MATH grader against Math-Verify: gold answers from the MATH test split, each with
 * predictions derived from it, some equivalent (another form of the same answer) and some not (a changed answer).
 * Whether a prediction is right is not decided here: the oracle and the grader each decide, and the test compares.
 */

export interface OraclePair {
  id: number
  gold: string
  prediction: string
  /** The kind of gold answer: integer, fraction, expression, interval, matrix, … */
  category: string
  /** How the prediction was derived from the gold: `frac→slash`, `digit changed`, … */
  perturbation: string
}

/** The kind of a gold answer, from its form. */
export function categoryOf(gold: string): string {
  const g = gold.trim()
  if (/\\begin\{[pbv]?matrix\}/.test(g)) return 'matrix or vector'
  if (/^[0-9A-Z]+_\{?\d+\}?$/.test(g)) return 'other base'
  if (/\\text\{\s*[a-zA-Z(]/.test(g) && !/\d/.test(g.replace(/\\text\{[^}]*\}/g, ''))) return 'text or choice'
  if (/\^\\circ|\^\{\\circ\}|\\%|\\\$|\\text\{\s+[a-z]/.test(g)) return 'units, degrees, percent, money'
  if (/\\le|\\ge|<|>|\\infty|\\cup/.test(g)) return 'interval or inequality'
  if (/=/.test(g)) return 'equation'
  if (/^\\\{.*\\\}$/.test(g) || topLevelCommas(g) > 0) {
    return /^\\left\(|^\(/.test(g) && topLevelCommas(g) === 0 ? 'tuple or point' : /^\(|^\\left\(/.test(g) ? 'tuple or point' : 'set or list'
  }
  if (/^-?\d+$/.test(g)) return 'integer'
  if (/^-?\d*\.\d+$/.test(g)) return 'decimal'
  if (/^-?\\[dt]?frac\{-?\d+\}\{\d+\}$|^-?\d+\/\d+$/.test(g)) return 'fraction'
  if (/i(?![a-z])/.test(g.replace(/\\[a-zA-Z]+/g, '')) && !/[a-hj-zA-Z]/.test(g.replace(/\\[a-zA-Z]+/g, ''))) return 'complex number'
  if (!/[a-zA-Z]/.test(g.replace(/\\(?:frac|dfrac|tfrac|sqrt|pi|cdot|left|right|times)/g, ''))) return 'radical, π or numeric expression'
  return 'expression with variables'
}

function topLevelCommas(s: string): number {
  let depth = 0
  let commas = 0
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!
    if (c === '\\') {
      if (s[i + 1] === '{') depth++
      if (s[i + 1] === '}') depth--
      i++
      continue
    }
    if ('([{'.includes(c)) depth++
    else if (')]}'.includes(c)) depth--
    else if (c === ',' && depth === 0 && !/^(?:\s*\\!\s*)?\d{3}(?!\d)/.test(s.slice(i + 1))) commas++
  }
  return commas
}

type Perturb = (gold: string) => string | null

/** Equivalent rewrites (each applies only where it makes sense, else null). */
const equivalentForms: Record<string, Perturb> = {
  'as written, restyled': (g) => ` ${g.replace(/\\frac/g, '\\dfrac')} `,
  'frac→slash': (g) => (/^-?\\[dt]?frac\{(-?\d+)\}\{(\d+)\}$/.test(g) ? g.replace(/\\[dt]?frac\{(-?\d+)\}\{(\d+)\}/, '$1/$2') : null),
  'fraction→6-place decimal': (g) => {
    const m = /^(-?)\\[dt]?frac\{(\d+)\}\{(\d+)\}$/.exec(g)
    return m ? `${m[1]}${(Number(m[2]) / Number(m[3])).toFixed(6)}` : null
  },
  'x = answer': (g) => (/=|\\le|\\ge|<|>|,/.test(g) ? null : `x = ${g}`),
  'with a unit': (g) => (/^-?\d+(\.\d+)?$/.test(g) ? `${g} \\text{ units}` : null),
  'thousands separators': (g) => (/^\d{4,}$/.test(g) ? g.replace(/\B(?=(\d{3})+(?!\d))/g, ',') : null),
  'scientific notation': (g) => (/^[1-9]\d{3,}$/.test(g) ? `${g[0]}.${g.slice(1)}\\times 10^{${g.length - 1}}` : null),
  'chain ending in it': (g) => (/^-?\d+$/.test(g) ? `x = ${Number(g) - 1} + 1 = ${g}` : null),
  'list reversed': (g) => {
    const items = splitList(g)
    return items && items.length > 1 ? items.reverse().join(', ') : null
  },
  'inequality flipped': (g) => {
    const m = /^([a-z])\s*(<|>|\\le|\\ge|\\leq|\\geq)\s*([^<>]+)$/.exec(g.trim())
    if (!m) return null
    const flip: Record<string, string> = { '<': '>', '>': '<', '\\le': '\\ge', '\\ge': '\\le', '\\leq': '\\geq', '\\geq': '\\leq' }
    return `${m[3]!.trim()} ${flip[m[2]!]} ${m[1]}`
  },
  'matrix as bmatrix': (g) => (/\\begin\{pmatrix\}/.test(g) ? g.replace(/pmatrix/g, 'bmatrix') : null),
  'matrix as array': (g) => {
    const m = /^\\begin\{pmatrix\}(.*)\\end\{pmatrix\}$/s.exec(g.trim())
    if (!m) return null
    const columns = (m[1]!.split('\\\\')[0]!.match(/&/g)?.length ?? 0) + 1
    return `\\left[\\begin{array}{${'c'.repeat(columns)}}${m[1]}\\end{array}\\right]`
  },
  'text unwrapped': (g) => {
    const m = /^\\text\{\s*([A-Za-z ]+)\s*\}$/.exec(g.trim())
    return m ? m[1]!.toLowerCase() : null
  }
}

/** Rewrites that change the answer. */
const wrongForms: Record<string, Perturb> = {
  'digit changed': (g) => {
    const at = g.search(/\d/)
    return at < 0 ? null : g.slice(0, at) + String((Number(g[at]) + 1) % 10) + g.slice(at + 1)
  },
  negated: (g) => (/^[\d\\]/.test(g) && !/[,=<>]|\\le|\\ge|matrix|\\text/.test(g) ? `-${wrap(g)}` : null),
  'list item dropped': (g) => {
    const items = splitList(g)
    return items && items.length > 2 ? items.slice(0, -1).join(', ') : null
  },
  'bracket changed': (g) => (/^[[(].*[\])]$/.test(g.trim()) ? g.trim().replace(/^\(/, '[').replace(/\)$/, ']').replace(/^\[(?!.*\[)/, '(') : null),
  'fraction→3-place decimal': (g) => {
    const m = /^(-?)\\[dt]?frac\{(\d+)\}\{(\d+)\}$/.exec(g)
    return m ? `${m[1]}${(Number(m[2]) / Number(m[3])).toFixed(3)}` : null
  },
  'variable changed': (g) => (/(?<![\\a-zA-Z])x(?![a-zA-Z])/.test(g) ? g.replace(/(?<![\\a-zA-Z])x(?![a-zA-Z])/g, 'y') : null)
}

function wrap(g: string): string {
  return /^[\d.]+$|^\\[dt]?frac\{[^{}]*\}\{[^{}]*\}$|^\\sqrt\{[^{}]*\}$/.test(g) ? g : `(${g})`
}

function splitList(g: string): string[] | null {
  const t = g.trim()
  const inner = /^\\\{(.*)\\\}$/.exec(t)?.[1] ?? t
  if (topLevelCommas(inner) === 0 || /^\(|^\[|^\\left/.test(inner)) return null
  const items: string[] = []
  let depth = 0
  let start = 0
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!
    if (c === '\\') {
      i++
      continue
    }
    if ('([{'.includes(c)) depth++
    else if (')]}'.includes(c)) depth--
    else if (c === ',' && depth === 0) {
      items.push(inner.slice(start, i).trim())
      start = i + 1
    }
  }
  items.push(inner.slice(start).trim())
  return items.every((item) => item.length > 0) ? items : null
}

/** Every applicable equivalent and wrong rewrite of each gold answer, numbered from `firstId`. */
export function oraclePairs(golds: readonly string[], firstId = 0): OraclePair[] {
  const pairs: OraclePair[] = []
  let id = firstId
  for (const gold of golds) {
    const category = categoryOf(gold)
    for (const [perturbation, perturb] of [...Object.entries(equivalentForms), ...Object.entries(wrongForms)]) {
      const prediction = perturb(gold)
      if (prediction !== null && prediction !== gold) pairs.push({ id: id++, gold, prediction, category, perturbation })
    }
  }
  return pairs
}

/** At most `perCell` pairs of each (category, perturbation), in order, so no kind of answer dominates the rate. */
export function balancedSample(pairs: readonly OraclePair[], perCell: number): OraclePair[] {
  const counts = new Map<string, number>()
  return pairs.filter((pair) => {
    const cell = `${pair.category}|${pair.perturbation}`
    const n = counts.get(cell) ?? 0
    counts.set(cell, n + 1)
    return n < perCell
  })
}
