import { choose } from './createBuiltins'
import { evaluateExpression, type Scope } from './evaluateExpression'
import { ExpressionError } from './ExpressionError'
import type { InitStatement } from './parseSymbolicTemplate'
import { isNumeric, iterableItems, PyLabelled, PyList, PyRange, PyTuple, type PyValue } from './PyValue'

/**
 * Draws the values of one `#init` statement. `sample(…)` and `sample_sequential(…)` give their result; any other
 * right-hand side that is a collection (`range(2, 10)`, `list(range(2, 6)) * 10`, `fraction_nums`,
 * `np.arange(0.25, 2.5, 0.25)`) means "one of these", drawn uniformly. Several targets unpack the result.
 * A `(words, number)` pair becomes a {@link PyLabelled}.
 */
export function evaluateInitStatement(statement: InitStatement, scope: Scope, random: () => number): PyValue[] {
  let value = evaluateExpression(statement.expr, scope)
  if (!isSampleCall(statement) && statement.targets.length === 1 && (value instanceof PyList || value instanceof PyTuple || value instanceof PyRange)) {
    value = choose(value, random)
  }
  return unpack(statement, value).map(toLabelled)
}

/**
 * The values a statement's targets can take, without drawing: the population of `sample(population, …)`, or the
 * collection itself. Ranges are returned as they are (they may be large).
 */
export function initDomain(statement: InitStatement, scope: Scope): PyValue[] | PyRange {
  const expr = statement.expr
  const population = isSampleCall(statement) && expr.kind === 'call' && expr.args[0] ? evaluateExpression(expr.args[0], scope) : evaluateExpression(expr, scope)
  if (population instanceof PyRange) return population
  return (iterableItems(population) ?? [population]).map(toLabelled)
}

function isSampleCall(statement: InitStatement): boolean {
  const expr = statement.expr
  return expr.kind === 'call' && expr.callee.kind === 'name' && (expr.callee.name === 'sample' || expr.callee.name === 'sample_sequential')
}

function unpack(statement: InitStatement, value: PyValue): PyValue[] {
  if (statement.targets.length === 1) return [value]
  const items = value instanceof PyList || value instanceof PyTuple ? value.items : null
  if (items === null || items.length !== statement.targets.length) {
    throw new ExpressionError('ValueError', `cannot unpack ${items ? `${items.length} values` : 'a single value'} into ${statement.targets.length} names (${statement.targets.join(', ')})`)
  }
  return [...items]
}

function toLabelled(value: PyValue): PyValue {
  if (value instanceof PyTuple && value.items.length === 2 && isNumeric(value.items[1]!)) return new PyLabelled(value.items[0]!, value.items[1]!)
  return value
}
