import { getProcedure } from '@shared/api/procedure'
import type { WorkbenchHandlers, WorkbenchMethodId } from '@shared/api/workbenchApi'
import { workbenchApiSpec } from '@shared/api/workbenchApi'
import { NotFoundError } from '@shared/errors/NotFoundError'
import { InvalidInputError } from '@shared/errors/InvalidInputError'
import type { z } from 'zod'

/**
 * The single entry of every transport (IPC, serve mode, the CLI): looks the method up in the contract, validates the
 * raw payload against its input schema (which also fills in its defaults), and calls the handler. A payload of the
 * wrong shape never reaches a service.
 */
export async function dispatchCall(handlers: WorkbenchHandlers, methodId: string, rawInput: unknown): Promise<unknown> {
  const input = parseCallInput(methodId, rawInput)
  const [group, method] = methodId.split('.') as [string, string]
  const handler = (handlers as unknown as Record<string, Record<string, (input: unknown) => unknown>>)[group]![method]!
  return await handler(input)
}

/** A payload checked against a method's input schema, with the schema's defaults filled in; throws InvalidInputError. */
export function parseCallInput<M extends WorkbenchMethodId>(methodId: M | string, rawInput: unknown): unknown {
  const procedure = getProcedure(workbenchApiSpec, methodId)
  if (!procedure) throw new NotFoundError('API method', methodId, { message: `unknown API method '${methodId}'` })
  const parsed = procedure.input.safeParse(rawInput)
  if (!parsed.success) throw invalidInput(methodId, parsed.error, rawInput)
  return parsed.data
}

function invalidInput(methodId: string, error: z.ZodError, rawInput: unknown): InvalidInputError {
  const issue = error.issues[0]
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : undefined
  const message = `${methodId}: invalid input${field ? ` at '${field}'` : ''}: ${issue?.message ?? 'does not match the contract'}`
  const actual = issue ? issue.path.reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined), rawInput) : rawInput
  return new InvalidInputError(message, field, issue ? expectedOf(issue) : 'the contract’s shape', actual)
}

/** What the schema wanted where the payload went wrong, in the short form a front end can reword. */
function expectedOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'too_small':
      return issue.origin === 'number' ? `${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}` : issue.message
    case 'too_big':
      return issue.origin === 'number' ? `${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}` : issue.message
    case 'invalid_type':
      return issue.expected === 'int' ? 'an integer' : `a value of type ${issue.expected}`
    case 'invalid_value':
      return `one of ${issue.values.map((value) => JSON.stringify(value)).join('|')}`
    default:
      return issue.message
  }
}
