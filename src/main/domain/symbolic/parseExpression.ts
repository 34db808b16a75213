import { ExpressionError } from './ExpressionError'

/**
 * A parser for the Python expression subset GSM-Symbolic templates are written in. Hand-written (tokenizer +
 * precedence climbing) so that nothing is ever handed to `eval`: a template is data, not code.
 *
 * Grammar, loosest binding first (Python's order):
 *   ternary   := or ('if' or 'else' ternary)?
 *   or        := and ('or' and)*
 *   and       := not ('and' not)*
 *   not       := 'not' not | comparison
 *   comparison:= sum (('<'|'>'|'<='|'>='|'=='|'!='|'in'|'not in') sum)*      chains: a < b < c
 *   sum       := term (('+'|'-') term)*
 *   term      := unary (('*'|'/'|'//'|'%') unary)*
 *   unary     := ('-'|'+') unary | power
 *   power     := postfix ('**' unary)?                                     right-assoc; -2**2 == -4
 *   postfix   := atom ('(' args ')' | '[' index-or-slice ']')*
 *   atom      := number | string | name | '(' expr ')' | '(' tuple ')' | '[' list ']'
 * Names may be dotted (`np.arange`, `np.random.randint`) and may carry the templates' `$` marker (`$ans`).
 */
export type Expr =
  | { kind: 'int'; value: bigint }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'name'; name: string }
  | { kind: 'list'; items: Expr[] }
  | { kind: 'tuple'; items: Expr[] }
  | { kind: 'unary'; op: '-' | '+' | 'not'; operand: Expr }
  | { kind: 'binary'; op: BinaryOperator; left: Expr; right: Expr }
  | { kind: 'compare'; first: Expr; rest: { op: CompareOperator; right: Expr }[] }
  | { kind: 'logical'; op: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'conditional'; test: Expr; body: Expr; orElse: Expr }
  | { kind: 'call'; callee: Expr; args: Expr[] }
  | { kind: 'index'; target: Expr; index: Expr }
  | { kind: 'slice'; target: Expr; start: Expr | null; stop: Expr | null; step: Expr | null }

export type BinaryOperator = '+' | '-' | '*' | '/' | '//' | '%' | '**'
export type CompareOperator = '<' | '>' | '<=' | '>=' | '==' | '!=' | 'in' | 'not in'

type Token =
  | { type: 'int'; value: bigint; at: number }
  | { type: 'float'; value: number; at: number }
  | { type: 'string'; value: string; at: number }
  | { type: 'name'; value: string; at: number }
  | { type: 'op'; value: string; at: number }
  | { type: 'end'; at: number }

const keywords = new Set(['and', 'or', 'not', 'if', 'else', 'in', 'is', 'lambda', 'for'])
// Longest first, so `//` wins over `/` and `**` over `*`.
const operators = ['**', '//', '<=', '>=', '==', '!=', '+', '-', '*', '/', '%', '<', '>', '(', ')', '[', ']', ',', ':']

export function tokenizeExpression(source: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < source.length) {
    const c = source[i]!
    if (/\s/.test(c)) {
      i++
      continue
    }
    const at = i
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const match = /^(?:\d[\d_]*)?(?:\.\d*)?(?:[eE][+-]?\d+)?/.exec(source.slice(i))!
      const text = match[0]
      i += text.length
      if (/[.eE]/.test(text)) tokens.push({ type: 'float', value: Number(text.replace(/_/g, '')), at })
      else tokens.push({ type: 'int', value: BigInt(text.replace(/_/g, '')), at })
      if (/[A-Za-z_]/.test(source[i] ?? '')) throw syntaxError(source, i, 'invalid number literal')
      continue
    }
    if (c === '"' || c === "'") {
      let j = i + 1
      let value = ''
      while (j < source.length && source[j] !== c) {
        if (source[j] === '\\' && j + 1 < source.length) {
          const next = source[j + 1]!
          value += next === 'n' ? '\n' : next === 't' ? '\t' : next
          j += 2
        } else value += source[j++]
      }
      if (j >= source.length) throw syntaxError(source, i, 'unterminated string')
      tokens.push({ type: 'string', value, at })
      i = j + 1
      continue
    }
    // `$x` is GSM-Symbolic's "numeric variable" marker; in an expression it is just `x`.
    if (/[A-Za-z_$]/.test(c)) {
      const match = /^\$?[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*/.exec(source.slice(i))
      if (!match) throw syntaxError(source, i, `unexpected '${c}'`)
      i += match[0].length
      const name = match[0].replace(/^\$/, '')
      tokens.push(keywords.has(name) ? { type: 'op', value: name, at } : { type: 'name', value: name, at })
      continue
    }
    const op = operators.find((candidate) => source.startsWith(candidate, i))
    if (!op) throw syntaxError(source, i, `unexpected '${c}'`)
    tokens.push({ type: 'op', value: op, at })
    i += op.length
  }
  tokens.push({ type: 'end', at: source.length })
  return tokens
}

/** Parses one expression; throws {@link ExpressionError} (`SyntaxError`) on anything outside the subset. */
export function parseExpression(source: string): Expr {
  const parser = new Parser(source, tokenizeExpression(source))
  const expr = parser.expression()
  parser.expectEnd()
  return expr
}

/** Every name an expression reads, called functions included (`int`, `k` and `y` in `int(k * y)`). */
export function freeNames(expr: Expr, out: Set<string> = new Set()): Set<string> {
  switch (expr.kind) {
    case 'name':
      out.add(expr.name)
      break
    case 'list':
    case 'tuple':
      for (const item of expr.items) freeNames(item, out)
      break
    case 'unary':
      freeNames(expr.operand, out)
      break
    case 'binary':
    case 'logical':
      freeNames(expr.left, out)
      freeNames(expr.right, out)
      break
    case 'compare':
      freeNames(expr.first, out)
      for (const part of expr.rest) freeNames(part.right, out)
      break
    case 'conditional':
      freeNames(expr.test, out)
      freeNames(expr.body, out)
      freeNames(expr.orElse, out)
      break
    case 'call':
      freeNames(expr.callee, out)
      for (const arg of expr.args) freeNames(arg, out)
      break
    case 'index':
      freeNames(expr.target, out)
      freeNames(expr.index, out)
      break
    case 'slice':
      freeNames(expr.target, out)
      for (const part of [expr.start, expr.stop, expr.step]) if (part) freeNames(part, out)
      break
  }
  return out
}

class Parser {
  private position = 0

  constructor(
    private readonly source: string,
    private readonly tokens: Token[]
  ) {}

  expression(): Expr {
    const body = this.or()
    if (!this.acceptOp('if')) return body
    const test = this.or()
    this.expectOp('else')
    return { kind: 'conditional', test, body, orElse: this.expression() }
  }

  expectEnd(): void {
    const token = this.peek()
    if (token.type !== 'end') throw syntaxError(this.source, token.at, `unexpected ${describe(token)}`)
  }

  private or(): Expr {
    let left = this.and()
    while (this.acceptOp('or')) left = { kind: 'logical', op: 'or', left, right: this.and() }
    return left
  }

  private and(): Expr {
    let left = this.not()
    while (this.acceptOp('and')) left = { kind: 'logical', op: 'and', left, right: this.not() }
    return left
  }

  private not(): Expr {
    if (this.acceptOp('not')) return { kind: 'unary', op: 'not', operand: this.not() }
    return this.comparison()
  }

  private comparison(): Expr {
    const first = this.sum()
    const rest: { op: CompareOperator; right: Expr }[] = []
    for (;;) {
      const token = this.peek()
      if (token.type !== 'op') break
      let op: CompareOperator
      if (['<', '>', '<=', '>=', '==', '!='].includes(token.value) || token.value === 'in') {
        op = token.value as CompareOperator
        this.position++
      } else if (token.value === 'not' && this.peek(1).type === 'op' && (this.peek(1) as { value: string }).value === 'in') {
        op = 'not in'
        this.position += 2
      } else break
      rest.push({ op, right: this.sum() })
    }
    return rest.length === 0 ? first : { kind: 'compare', first, rest }
  }

  private sum(): Expr {
    let left = this.term()
    for (;;) {
      const op = this.acceptAnyOp('+', '-')
      if (!op) return left
      left = { kind: 'binary', op, left, right: this.term() }
    }
  }

  private term(): Expr {
    let left = this.unary()
    for (;;) {
      const op = this.acceptAnyOp('*', '/', '//', '%')
      if (!op) return left
      left = { kind: 'binary', op, left, right: this.unary() }
    }
  }

  private unary(): Expr {
    const op = this.acceptAnyOp('-', '+')
    if (op) return { kind: 'unary', op, operand: this.unary() }
    return this.power()
  }

  private power(): Expr {
    const base = this.postfix()
    if (this.acceptOp('**')) return { kind: 'binary', op: '**', left: base, right: this.unary() }
    return base
  }

  private postfix(): Expr {
    let expr = this.atom()
    for (;;) {
      if (this.acceptOp('(')) {
        const args = this.sequence(')')
        expr = { kind: 'call', callee: expr, args: args.items }
      } else if (this.acceptOp('[')) {
        expr = this.subscript(expr)
      } else return expr
    }
  }

  private subscript(target: Expr): Expr {
    const parts: (Expr | null)[] = []
    let isSlice = false
    let current: Expr | null = null
    for (;;) {
      if (this.acceptOp(']')) {
        parts.push(current)
        break
      }
      if (this.acceptOp(':')) {
        isSlice = true
        parts.push(current)
        current = null
        continue
      }
      if (current) throw syntaxError(this.source, this.peek().at, "expected ':' or ']'")
      current = this.expression()
    }
    if (!isSlice) {
      const index = parts[0]
      if (!index) throw syntaxError(this.source, this.peek().at, 'empty index')
      return { kind: 'index', target, index }
    }
    if (parts.length > 3) throw syntaxError(this.source, this.peek().at, 'too many slice parts')
    return { kind: 'slice', target, start: parts[0] ?? null, stop: parts[1] ?? null, step: parts[2] ?? null }
  }

  private atom(): Expr {
    const token = this.next()
    switch (token.type) {
      case 'int':
        return { kind: 'int', value: token.value }
      case 'float':
        return { kind: 'float', value: token.value }
      case 'string': {
        // Adjacent literals concatenate, as in Python.
        let value = token.value
        while (this.peek().type === 'string') value += (this.next() as { value: string }).value
        return { kind: 'string', value }
      }
      case 'name':
        return { kind: 'name', name: token.value }
      case 'op':
        if (token.value === '(') {
          const { items, trailingComma } = this.sequence(')')
          if (items.length === 1 && !trailingComma) return items[0]!
          return { kind: 'tuple', items }
        }
        if (token.value === '[') return { kind: 'list', items: this.sequence(']').items }
        if (token.value === 'lambda' || token.value === 'for') {
          throw syntaxError(this.source, token.at, `'${token.value}' is not supported in templates`)
        }
        throw syntaxError(this.source, token.at, `unexpected ${describe(token)}`)
      case 'end':
        throw syntaxError(this.source, token.at, 'unexpected end of expression')
    }
  }

  /** Comma-separated expressions up to `close`; a trailing comma is allowed (`["a", "b",]`). */
  private sequence(close: string): { items: Expr[]; trailingComma: boolean } {
    const items: Expr[] = []
    let trailingComma = false
    if (this.acceptOp(close)) return { items, trailingComma }
    for (;;) {
      items.push(this.expression())
      if (this.acceptOp(close)) return { items, trailingComma: false }
      this.expectOp(',')
      if (this.acceptOp(close)) {
        trailingComma = true
        return { items, trailingComma }
      }
    }
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.position + offset, this.tokens.length - 1)]!
  }

  private next(): Token {
    const token = this.peek()
    if (token.type !== 'end') this.position++
    return token
  }

  private acceptOp(value: string): boolean {
    const token = this.peek()
    if (token.type === 'op' && token.value === value) {
      this.position++
      return true
    }
    return false
  }

  private acceptAnyOp<T extends string>(...values: T[]): T | null {
    const token = this.peek()
    if (token.type === 'op' && (values as string[]).includes(token.value)) {
      this.position++
      return token.value as T
    }
    return null
  }

  private expectOp(value: string): void {
    if (!this.acceptOp(value)) {
      const token = this.peek()
      throw syntaxError(this.source, token.at, `expected '${value}', found ${describe(token)}`)
    }
  }
}

function describe(token: Token): string {
  switch (token.type) {
    case 'end':
      return 'end of expression'
    case 'string':
      return `string '${token.value}'`
    case 'int':
    case 'float':
      return `number ${token.value}`
    default:
      return `'${token.value}'`
  }
}

function syntaxError(source: string, at: number, message: string): ExpressionError {
  return new ExpressionError('SyntaxError', `${message} at column ${at + 1} of '${source}'`)
}
