import { AppError } from '@shared/errors'
import { createBuiltins } from './createBuiltins'
import type { Scope } from './evaluateExpression'
import type { SymbolicTemplate, TemplateExpression } from './parseSymbolicTemplate'
import type { PyValue } from './PyValue'

/** A template's variables layered over the built-ins; a variable may shadow a built-in of the same name. */
export class TemplateScope implements Scope {
  readonly variables = new Map<string, PyValue>()
  private readonly builtins: ReadonlyMap<string, PyValue>

  constructor(random: () => number) {
    this.builtins = createBuiltins(random)
  }

  get(name: string): PyValue | undefined {
    return this.variables.get(name) ?? this.builtins.get(name)
  }

  has(name: string): boolean {
    return this.variables.has(name) || this.builtins.has(name)
  }
}

const builtinNames = new Set(createBuiltins(() => 0).keys())

/**
 * Fails on the first name that is neither a template variable nor a built-in, before anything is sampled: a typo in
 * a rarely taken `if … else` branch would otherwise surface only for some seeds.
 */
export function assertKnownNames(template: SymbolicTemplate): void {
  const known = new Set([...builtinNames, ...template.variables])
  const check = (where: string, expression: TemplateExpression): void => {
    for (const name of expression.names) {
      if (!known.has(name)) {
        throw new AppError('invalid_input', `template ${template.id}: ${where} '${expression.source}': name '${name}' is not defined (not an #init variable or a built-in)`)
      }
    }
  }
  for (const statement of template.init) check('#init', statement)
  for (const condition of template.conditions) check('#conditions', condition)
  check('#answer', template.answerExpression)
  for (const slot of template.answerSlots) check('answer text slot', slot)
}
