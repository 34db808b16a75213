import { applyBinaryOperator, compareValues, isTruthy, toBigInt } from './applyBinaryOperator'
import { ExpressionError } from './ExpressionError'
import type { Expr } from './parseExpression'
import { PyFraction } from './PyFraction'
import { PyFunction, PyLabelled, PyList, PyRange, PyTuple, pyTypeName, unlabel, type PyValue } from './PyValue'

/** Where names are looked up: a Map, or variables layered over built-ins. */
export interface Scope {
  get(name: string): PyValue | undefined
}

/**
 * Evaluates a parsed template expression against a scope (the template's variables over the built-ins of
 * `createBuiltins`). A tree-walking interpreter: the only things an expression can do are the operators and the
 * functions in scope. `and`/`or`/`if-else` short-circuit and comparisons chain (`a < b < c` evaluates `b` once),
 * as in Python. Unknown names raise `NameError`.
 */
export function evaluateExpression(expr: Expr, scope: Scope): PyValue {
  switch (expr.kind) {
    case 'int':
    case 'float':
    case 'string':
      return expr.value
    case 'name': {
      const value = scope.get(expr.name)
      if (value === undefined) throw new ExpressionError('NameError', `name '${expr.name}' is not defined`)
      return value
    }
    case 'list':
      return new PyList(expr.items.map((item) => evaluateExpression(item, scope)))
    case 'tuple':
      return new PyTuple(expr.items.map((item) => evaluateExpression(item, scope)))
    case 'unary': {
      const operand = evaluateExpression(expr.operand, scope)
      if (expr.op === 'not') return !isTruthy(operand)
      return negate(operand, expr.op)
    }
    case 'binary':
      return applyBinaryOperator(expr.op, evaluateExpression(expr.left, scope), evaluateExpression(expr.right, scope))
    case 'compare': {
      let left = evaluateExpression(expr.first, scope)
      for (const { op, right: rightExpr } of expr.rest) {
        const right = evaluateExpression(rightExpr, scope)
        if (!compareValues(op, left, right)) return false
        left = right
      }
      return true
    }
    case 'logical': {
      // Python returns the deciding operand, not a bool.
      const left = evaluateExpression(expr.left, scope)
      if (expr.op === 'and') return isTruthy(left) ? evaluateExpression(expr.right, scope) : left
      return isTruthy(left) ? left : evaluateExpression(expr.right, scope)
    }
    case 'conditional':
      return isTruthy(evaluateExpression(expr.test, scope)) ? evaluateExpression(expr.body, scope) : evaluateExpression(expr.orElse, scope)
    case 'call': {
      const callee = evaluateExpression(expr.callee, scope)
      if (!(callee instanceof PyFunction)) throw new ExpressionError('TypeError', `'${pyTypeName(callee)}' object is not callable`)
      return callee.call(expr.args.map((arg) => evaluateExpression(arg, scope)))
    }
    case 'index':
      return indexValue(evaluateExpression(expr.target, scope), evaluateExpression(expr.index, scope))
    case 'slice': {
      const bound = (part: Expr | null): bigint | null => (part ? toBigInt(unlabel(evaluateExpression(part, scope))) : null)
      return sliceValue(evaluateExpression(expr.target, scope), bound(expr.start), bound(expr.stop), bound(expr.step))
    }
  }
}

function negate(operandIn: PyValue, op: '-' | '+'): PyValue {
  const operand = unlabel(operandIn)
  if (typeof operand === 'boolean') return op === '-' ? (operand ? -1n : 0n) : operand ? 1n : 0n
  if (typeof operand === 'bigint') return op === '-' ? -operand : operand
  if (typeof operand === 'number') return op === '-' ? -operand : operand
  if (operand instanceof PyFraction) return op === '-' ? operand.neg() : operand
  throw new ExpressionError('TypeError', `bad operand type for unary ${op}: '${pyTypeName(operand)}'`)
}

/** `x[i]` on lists, tuples, ranges and strings (negative indices count from the end); `pair[0]` is a label. */
function indexValue(target: PyValue, indexIn: PyValue): PyValue {
  const index = unlabel(indexIn)
  if (typeof index !== 'bigint' && typeof index !== 'boolean') {
    throw new ExpressionError('TypeError', `indices must be integers, not '${pyTypeName(index)}'`)
  }
  const i = toBigInt(index)
  if (target instanceof PyLabelled) return indexValue(new PyTuple([target.label, target.value]), i)
  if (target instanceof PyRange) {
    const at = i < 0n ? target.length + i : i
    if (at < 0n || at >= target.length) throw new ExpressionError('IndexError', 'range object index out of range')
    return target.at(at)
  }
  const items = target instanceof PyList || target instanceof PyTuple ? target.items : typeof target === 'string' ? [...target] : null
  if (items === null) throw new ExpressionError('TypeError', `'${pyTypeName(target)}' object is not subscriptable`)
  const at = Number(i < 0n ? BigInt(items.length) + i : i)
  if (at < 0 || at >= items.length) throw new ExpressionError('IndexError', `${pyTypeName(target)} index out of range`)
  return items[at]!
}

/** Python slicing `x[start:stop:step]`, with its clamping of out-of-range bounds. */
function sliceValue(target: PyValue, start: bigint | null, stop: bigint | null, step: bigint | null): PyValue {
  const items = target instanceof PyList || target instanceof PyTuple ? [...target.items] : typeof target === 'string' ? [...target] : null
  if (items === null) throw new ExpressionError('TypeError', `'${pyTypeName(target)}' object is not subscriptable`)
  const n = items.length
  const by = Number(step ?? 1n)
  if (by === 0) throw new ExpressionError('ValueError', 'slice step cannot be zero')
  const clamp = (bound: bigint | null, fallback: number): number => {
    if (bound === null) return fallback
    let b = Number(bound)
    if (b < 0) b += n
    return by > 0 ? Math.min(Math.max(b, 0), n) : Math.min(Math.max(b, -1), n - 1)
  }
  const from = clamp(start, by > 0 ? 0 : n - 1)
  const to = clamp(stop, by > 0 ? n : -1)
  const out: PyValue[] = []
  for (let i = from; by > 0 ? i < to : i > to; i += by) out.push(items[i]!)
  if (typeof target === 'string') return out.join('')
  return target instanceof PyList ? new PyList(out) : new PyTuple(out)
}
