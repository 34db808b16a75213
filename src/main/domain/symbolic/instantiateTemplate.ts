import { AppError } from '@shared/errors'
import { createRandom } from '../random/seededRandom'
import { compareValues, isTruthy, toFraction } from './applyBinaryOperator'
import { evaluateExpression } from './evaluateExpression'
import { evaluateInitStatement } from './evaluateInitStatement'
import { ExpressionError } from './ExpressionError'
import { formatAnswerValue, formatQuestionValue } from './formatTemplateValue'
import { freeNames, type Expr } from './parseExpression'
import type { InitStatement, SymbolicTemplate, TemplateExpression } from './parseSymbolicTemplate'
import { isNumeric, PyRange, unlabel, type PyValue } from './PyValue'
import { capitalize, renderQuestion, startsSentence } from './renderQuestion'
import { assertKnownNames, TemplateScope } from './TemplateScope'

export interface InstantiateOptions {
  /** The instance is a pure function of the template and this seed. */
  seed: number
  /** Samples to draw before giving up. Defaults to `defaultMaxAttempts` (100,000). */
  maxAttempts?: number
  /** Questions already generated: a sample whose question is one of these is rejected and drawn again. */
  exclude?: ReadonlySet<string>
}

/**
 * The tightest of the 100 templates (17, 21, 94) accept about one sample in 1,100, so 100,000 attempts fail by
 * bad luck with probability below e^-80; an impossible template still fails within seconds.
 */
export const defaultMaxAttempts = 100_000

export interface SymbolicInstance {
  question: string
  /** The worked solution, ending `#### <finalAnswer>`. */
  answer: string
  /** The `#answer:` value as written after `#### `. */
  finalAnswer: string
  /** The template's variables as sampled (labelled values keep their words). */
  bindings: ReadonlyMap<string, PyValue>
  /** Samples drawn, including this one. */
  attempts: number
}

/**
 * Draws one fresh problem from a GSM-Symbolic template by rejection sampling: sample every `#init` variable with a
 * PRNG seeded by `seed`, and reject the sample if a condition fails, if the final answer is not an integer where the
 * GSM8K answer is one (or negative where that one is not), or if the solution's `#### ` line disagrees with
 * `#answer:`; otherwise render the question and the solution. Each condition is checked as soon as its variables
 * are drawn, and a variable pinned by an equation is computed rather than guessed: both keep exactly the
 * distribution of plain rejection sampling, only cheaper.
 *
 * Throws `invalid_input` naming the template and the expression for an unknown name or a type error (a template
 * bug), and naming the commonest rejection when `maxAttempts` samples all fail. Division by zero in a sample only
 * rejects that sample.
 */
export function instantiateTemplate(template: SymbolicTemplate, options: InstantiateOptions): SymbolicInstance {
  const plan = planOf(template)
  const maxAttempts = options.maxAttempts ?? defaultMaxAttempts
  const random = createRandom(options.seed)
  const scope = new TemplateScope(random)
  const rejections = new Map<string, number>()
  const reject = (reason: string): void => void rejections.set(reason, (rejections.get(reason) ?? 0) + 1)

  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const outcome = drawOnce(template, plan, scope, random)
    if (outcome instanceof Rejected) {
      reject(outcome.reason)
      continue
    }
    if (options.exclude?.has(outcome.question)) {
      reject('same question as an earlier instance')
      continue
    }
    return { ...outcome, attempts: attempt }
  }
  const commonest = [...rejections]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([reason, count]) => `${reason} ${count}×`)
  throw new AppError('invalid_input', `template ${template.id}: no acceptable sample in ${maxAttempts} attempts (rejected by ${commonest.join(', ')})`)
}

interface Plan {
  /** Conditions to check right after init statement i. */
  checksAfter: TemplateExpression[][]
  /** For init statement i, an `x == expr` condition that determines its one variable (see `equalityShortcut`). */
  determinedBy: ({ condition: TemplateExpression; value: Expr } | null)[]
  originalIsInteger: boolean
  originalIsNonNegative: boolean
}

const plans = new WeakMap<SymbolicTemplate, Plan>()

function planOf(template: SymbolicTemplate): Plan {
  const cached = plans.get(template)
  if (cached) return cached
  assertKnownNames(template)
  const definedAt = new Map<string, number>()
  template.init.forEach((statement, i) => statement.targets.forEach((target) => definedAt.set(target, i)))
  const checksAfter: TemplateExpression[][] = template.init.map(() => [])
  const last = Math.max(0, template.init.length - 1)
  if (template.init.length === 0) checksAfter.push([])
  for (const condition of template.conditions) {
    const at = Math.max(0, ...[...condition.names].map((name) => definedAt.get(name) ?? 0))
    checksAfter[Math.min(at, last)]!.push(condition)
  }
  const determinedBy = template.init.map((statement, i) => equalityShortcut(template, statement, i, definedAt))
  const original = template.originalAnswer.slice(template.originalAnswer.lastIndexOf('####') + 4).trim().replace(/,/g, '')
  const plan = { checksAfter, determinedBy, originalIsInteger: /^-?\d+$/.test(original), originalIsNonNegative: !original.startsWith('-') }
  plans.set(template, plan)
  return plan
}

/**
 * Templates 11 and 99 pin a variable with an equation: `- $ans = range(60, 101, 2)` and
 * `ans == n - (n1*w1) - (n2*w2) - int(n3*w3)`. Drawing `ans` and hoping it equals the right side accepts about one
 * sample in 15,000. Since `ans` is uniform over a range and independent of the rest, computing it from the right
 * side and rejecting when the result is not in the range accepts exactly the same samples with the same
 * probabilities (each is kept with the constant factor 1 / |range| either way), only far sooner. So this applies
 * only to a one-variable statement whose right side is a plain range (no `sample`), and only when the equation's
 * other variables are all drawn earlier.
 */
function equalityShortcut(
  template: SymbolicTemplate,
  statement: InitStatement,
  index: number,
  definedAt: ReadonlyMap<string, number>
): { condition: TemplateExpression; value: Expr } | null {
  const variable = statement.targets[0]
  if (statement.targets.length !== 1 || variable === undefined) return null
  if (statement.expr.kind !== 'call' || statement.expr.callee.kind !== 'name' || statement.expr.callee.name !== 'range') return null
  for (const condition of template.conditions) {
    const expr = condition.expr
    if (expr.kind !== 'compare' || expr.rest.length !== 1 || expr.rest[0]!.op !== '==') continue
    const [left, right] = [expr.first, expr.rest[0]!.right]
    const value = left.kind === 'name' && left.name === variable ? right : right.kind === 'name' && right.name === variable ? left : null
    if (!value) continue
    const names = freeNames(value)
    if ([...names].every((name) => name !== variable && (definedAt.get(name) ?? -1) < index)) return { condition, value }
  }
  return null
}

type Draw = Omit<SymbolicInstance, 'attempts'>

class Rejected {
  constructor(readonly reason: string) {}
}

/** One sample: the rendered instance, or why it was rejected. */
function drawOnce(template: SymbolicTemplate, plan: Plan, scope: TemplateScope, random: () => number): Draw | Rejected {
  scope.variables.clear()
  const run = <T>(where: string, expression: TemplateExpression, work: () => T): T | Rejected => {
    try {
      return work()
    } catch (error) {
      if (error instanceof ExpressionError && error.kind === 'ZeroDivisionError') return new Rejected(`${where} '${expression.source}' (division by zero)`)
      if (error instanceof ExpressionError) throw new AppError('invalid_input', `template ${template.id}: ${where} '${expression.source}': ${error.message}`)
      throw error
    }
  }

  for (let i = 0; i < template.init.length || i < plan.checksAfter.length; i++) {
    const statement = template.init[i]
    const shortcut = plan.determinedBy[i]
    if (statement && shortcut) {
      const value = run('condition', shortcut.condition, () => valueInRange(evaluateExpression(shortcut.value, scope), evaluateExpression(statement.expr, scope)))
      if (value instanceof Rejected) return value
      if (value === null) return new Rejected(`condition '${shortcut.condition.source}'`)
      scope.variables.set(statement.targets[0]!, value)
    } else if (statement) {
      const values = run('#init', statement, () => evaluateInitStatement(statement, scope, random))
      if (values instanceof Rejected) return values
      statement.targets.forEach((target, j) => scope.variables.set(target, values[j]!))
    }
    for (const condition of plan.checksAfter[i] ?? []) {
      const holds = run('condition', condition, () => isTruthy(evaluateExpression(condition.expr, scope)))
      if (holds instanceof Rejected) return holds
      if (!holds) return new Rejected(`condition '${condition.source}'`)
    }
  }

  const answerValue = run('#answer', template.answerExpression, () => evaluateExpression(template.answerExpression.expr, scope))
  if (answerValue instanceof Rejected) return answerValue
  const final = unlabel(answerValue)
  if (!isNumeric(final)) {
    throw new AppError('invalid_input', `template ${template.id}: #answer '${template.answerExpression.source}' gave ${formatAnswerValue(final)}, not a number`)
  }
  const isInteger = run('#answer', template.answerExpression, () => isTruthy(evaluateExpression({ kind: 'call', callee: { kind: 'name', name: 'is_int' }, args: [template.answerExpression.expr] }, scope)))
  if (isInteger instanceof Rejected) return isInteger
  if (!isInteger && plan.originalIsInteger) return new Rejected('a final answer that is not an integer')
  if (plan.originalIsNonNegative && compareValues('<', final, 0n)) return new Rejected('a negative final answer')
  const finalAnswer = formatAnswerValue(final)

  let answer = ''
  let position = 0
  for (const slot of template.answerSlots) {
    const value = run('answer text slot', slot, () => evaluateExpression(slot.expr, scope))
    if (value instanceof Rejected) return value
    // "{c3} cards make up…" at the start of a line reads "Yellow cards…", as in GSM8K.
    const text = typeof unlabel(value) === 'string' && startsSentence(template.answerText, slot.start) ? capitalize(formatAnswerValue(value)) : formatAnswerValue(value)
    answer += template.answerText.slice(position, slot.start) + text
    position = slot.end
  }
  answer += template.answerText.slice(position)
  const marker = answer.lastIndexOf('####')
  const written = answer.slice(marker + 4).trim()
  if (written !== finalAnswer) return new Rejected("a solution whose '####' line disagrees with #answer")
  answer = `${answer.slice(0, marker).trimEnd()}\n#### ${finalAnswer}`

  const question = renderQuestion(template, (slot) => formatQuestionValue(scope.variables.get(slot.variable)!, slot.defaultText))
  return { question, answer, finalAnswer, bindings: new Map(scope.variables) }
}

/** The member of `range` equal to `value` (an int, or a whole float or Fraction), or null. */
function valueInRange(valueIn: PyValue, range: PyValue): bigint | null {
  if (!(range instanceof PyRange)) throw new ExpressionError('TypeError', 'expected a range')
  const value = unlabel(valueIn)
  if (!isNumeric(value)) return null
  const n = toFraction(value)
  if (!n.isInteger()) return null
  const offset = n.numerator - range.start
  if (offset % range.step !== 0n) return null
  const index = offset / range.step
  return index >= 0n && index < range.length ? n.numerator : null
}
