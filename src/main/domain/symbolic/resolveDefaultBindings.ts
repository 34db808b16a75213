import { AppError } from '@shared/errors'
import { createRandom } from '../random/seededRandom'
import { applyBinaryOperator, pyEquals, toFraction } from './applyBinaryOperator'
import { evaluateExpression } from './evaluateExpression'
import { initDomain } from './evaluateInitStatement'
import { ExpressionError } from './ExpressionError'
import { parseNumberText } from './numberWords'
import type { SymbolicTemplate } from './parseSymbolicTemplate'
import { pyStr } from './createBuiltins'
import { PyLabelled, PyRange, type PyValue } from './PyValue'
import { TemplateScope } from './TemplateScope'

export interface DefaultBindings {
  /** Every #init variable at the value the original GSM8K problem used. */
  bindings: Map<string, PyValue>
  /** How each variable the question never shows got its value, e.g. `ans: solved from 'x + y + z + ans == total'`. */
  notes: string[]
}

/**
 * The template's variables at the original problem's values: each variable takes the default of its first question
 * slot, read in the way its `#init` list implies. A labelled list looks the words up (`six-sided` → 6) or reads them
 * as a number (`twice` → 2, `three quarters` → 3/4); a numeric list reads `10`, `1.50`, `1/2`, `forty-two`; a list
 * of words keeps the text. A variable the question never shows (template 9's `ans`) is solved from the first
 * `==` condition that is linear in it (`x + y + z + ans == total`), else it takes its list's first value.
 */
export function resolveDefaultBindings(template: SymbolicTemplate): DefaultBindings {
  // Only shuffle_list and np.random.randint draw while the domains are evaluated; their order does not matter here.
  const scope = new TemplateScope(createRandom(0))
  const notes: string[] = []
  const unresolved: string[] = []
  const fail = (variable: string, message: string): never => {
    throw new AppError('invalid_input', `template ${template.id}: default of '${variable}': ${message}`, { field: 'question_annotated' })
  }

  for (const statement of template.init) {
    let domain: PyValue[] | PyRange
    try {
      domain = initDomain(statement, scope)
    } catch (error) {
      if (error instanceof ExpressionError) throw new AppError('invalid_input', `template ${template.id}: #init '${statement.source}': ${error.message}`)
      throw error
    }
    statement.targets.forEach((target, j) => {
      const slot = template.questionSlots.find((s) => s.variable === target)
      const first = domain instanceof PyRange ? domain.start : (domain[Math.min(j, domain.length - 1)] ?? null)
      if (!slot) {
        unresolved.push(target)
        if (first === null) fail(target, 'its #init list is empty')
        scope.variables.set(target, first!)
        return
      }
      scope.variables.set(target, readDefault(slot.defaultText, domain, (m) => fail(target, m)))
    })
  }

  for (let progress = true; progress && unresolved.length > 0; ) {
    progress = false
    for (const variable of [...unresolved]) {
      const solved = solveLinear(template, scope, variable, unresolved)
      if (!solved) continue
      scope.variables.set(variable, solved.value)
      notes.push(`${variable}: solved from '${solved.source}'`)
      unresolved.splice(unresolved.indexOf(variable), 1)
      progress = true
    }
  }
  for (const variable of unresolved) notes.push(`${variable}: not in the question; took the first value of its #init list (${pyStr(scope.variables.get(variable)!)})`)
  return { bindings: new Map(scope.variables), notes }
}

function readDefault(text: string, domain: PyValue[] | PyRange, fail: (message: string) => never): PyValue {
  const items = domain instanceof PyRange ? [domain.start] : domain
  if (items.some((item) => item instanceof PyLabelled)) {
    const lower = text.toLowerCase()
    const match = items.find((item) => item instanceof PyLabelled && pyStr(item.label).toLowerCase() === lower)
    if (match) return match
    const number = parseNumberText(text)
    if (number === null) return fail(`'${text}' is neither a label of its #init list nor a number`)
    return new PyLabelled(text, number)
  }
  const sample = items[0]
  if (sample === undefined || typeof sample === 'string') return text
  const number = parseNumberText(text)
  if (number === null) return fail(`'${text}' is not a number, but its #init list is numeric`)
  // A float list read as an int default ("12" from np.arange(12, 20, 0.25)) is still a float in Python.
  return typeof sample === 'number' && typeof number === 'bigint' ? Number(number) : number
}

/** `variable` from the first condition `left == right` that is linear in it and whose other names are known. */
function solveLinear(template: SymbolicTemplate, scope: TemplateScope, variable: string, unresolved: readonly string[]): { value: PyValue; source: string } | null {
  const previous = scope.variables.get(variable)!
  const solved = findRoot(template, scope, variable, unresolved)
  scope.variables.set(variable, previous)
  return solved
}

function findRoot(template: SymbolicTemplate, scope: TemplateScope, variable: string, unresolved: readonly string[]): { value: PyValue; source: string } | null {
  for (const condition of template.conditions) {
    const expr = condition.expr
    if (expr.kind !== 'compare' || expr.rest.length !== 1 || expr.rest[0]!.op !== '==' || !condition.names.has(variable)) continue
    if ([...condition.names].some((name) => name !== variable && unresolved.includes(name))) continue
    const right = expr.rest[0]!.right
    const difference = (x: PyValue): PyValue => {
      scope.variables.set(variable, x)
      return applyBinaryOperator('-', evaluateExpression(expr.first, scope), evaluateExpression(right, scope))
    }
    try {
      const at0 = toFraction(difference(0n))
      const slope = toFraction(difference(1n)).sub(at0)
      if (slope.numerator === 0n) continue
      const root = at0.neg().div(slope)
      const value: PyValue = root.isInteger() ? root.numerator : root
      if (!pyEquals(difference(value), 0n)) continue
      return { value, source: condition.source }
    } catch (error) {
      if (error instanceof ExpressionError) continue
      throw error
    }
  }
  return null
}

