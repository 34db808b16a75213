import { getProcedure } from '@shared/api/procedure'
import type { WorkbenchHandlers } from '@shared/api/workbenchApi'
import { workbenchApiSpec } from '@shared/api/workbenchApi'
import { AppError } from '@shared/errors'
import type { z } from 'zod'

/**
 * The single entry of every transport: looks the method up in the contract, validates the raw payload against
 * its input schema, and calls the handler. A payload of the wrong shape never reaches a service.
 */
export async function dispatchCall(handlers: WorkbenchHandlers, methodId: string, rawInput: unknown): Promise<unknown> {
  const procedure = getProcedure(workbenchApiSpec, methodId)
  if (!procedure) throw new AppError('not_found', `unknown API method '${methodId}'`)
  const parsed = procedure.input.safeParse(rawInput)
  if (!parsed.success) throw invalidInput(methodId, parsed.error)
  const [group, method] = methodId.split('.') as [string, string]
  const handler = (handlers as unknown as Record<string, Record<string, (input: unknown) => unknown>>)[group]![method]!
  return await handler(parsed.data)
}

function invalidInput(methodId: string, error: z.ZodError): AppError {
  const issue = error.issues[0]
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : undefined
  const message = `${methodId}: invalid input${field ? ` at '${field}'` : ''}: ${issue?.message ?? 'does not match the contract'}`
  return new AppError('invalid_input', message, field ? { field } : undefined)
}
