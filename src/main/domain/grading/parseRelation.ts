import { splitTopLevel } from './splitTopLevel'

/** A relation operator in one spelling: `\geq`, `\ge`, `>=` and `≥` are all `>=`; `~` is "approximately" (`\approx`). */
export type RelationOperator = '=' | '<' | '<=' | '>' | '>=' | '!=' | '~'

/** `a = b = c`, `1 < x \leq 3`, `x \neq 3`: the parts between top-level relation operators, and the operators. */
export interface Relation {
  parts: string[]
  operators: RelationOperator[]
}

const spellings: readonly (readonly [string, RelationOperator])[] = [
  ['\\approx', '~'],
  ['≈', '~'],
  ['\\leqslant', '<='],
  ['\\geqslant', '>='],
  ['\\leq', '<='],
  ['\\geq', '>='],
  ['\\neq', '!='],
  ['\\le', '<='],
  ['\\ge', '>='],
  ['\\ne', '!='],
  ['\\lt', '<'],
  ['\\gt', '>'],
  ['<=', '<='],
  ['>=', '>='],
  ['!=', '!='],
  ['≤', '<='],
  ['≥', '>='],
  ['≠', '!='],
  ['=', '='],
  ['<', '<'],
  ['>', '>']
]

/**
 * Reads the top-level relation of an answer, or null when it has none (`5`, `(1, 2)`, `\{x = 1\}`). Operators
 * inside brackets are not split: `f(x=1)` has none.
 */
export function parseRelation(s: string): Relation | null {
  // Mark each operator with a control character, then split on it where no bracket is open.
  let marked = ''
  const operators: RelationOperator[] = []
  for (let i = 0; i < s.length; ) {
    const spelling = spellings.find(([text]) => s.startsWith(text, i) && !(text.startsWith('\\') && /[a-zA-Z]/.test(s[i + text.length] ?? '')))
    // `\left<` and `\langle` are brackets, not relations; `\\` followed by `=` is a row break then an equals sign.
    if (spelling && !(s.slice(Math.max(0, i - 5), i) === '\\left' || s.slice(Math.max(0, i - 6), i) === '\\right')) {
      marked += '\u0001'
      operators.push(spelling[1])
      i += spelling[0].length
    } else {
      marked += s[i]
      i++
    }
  }
  if (operators.length === 0) return null
  const parts = splitTopLevel(marked, '\u0001')
  // An operator inside brackets did not split: those parts are not a relation.
  // An operator inside brackets did not split (`f(x=1) = 2`), or a side is empty (`= 5`): not a relation we read.
  if (parts.length !== operators.length + 1 || parts.some((part) => part.length === 0)) return null
  return { parts, operators }
}
