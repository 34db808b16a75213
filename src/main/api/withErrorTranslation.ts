import type { WorkbenchHandlers } from '@shared/api/workbenchApi'

/**
 * Wraps every handler of the contract so that what a service throws passes through `translate` first (the store's
 * SQLite errors, such as a full disk, become errors that name the database file and say what was kept). Transports
 * then carry one clear error instead of a driver's bare message.
 */
export function withErrorTranslation(handlers: WorkbenchHandlers, translate: (error: unknown) => unknown): WorkbenchHandlers {
  const wrapped: Record<string, Record<string, (input: unknown) => unknown>> = {}
  for (const [group, methods] of Object.entries(handlers as unknown as Record<string, Record<string, (input: unknown) => unknown>>)) {
    wrapped[group] = {}
    for (const [name, handler] of Object.entries(methods)) {
      wrapped[group][name] = (input: unknown) => {
        try {
          const result = handler(input)
          return result instanceof Promise ? result.catch((error: unknown) => Promise.reject(translate(error))) : result
        } catch (error) {
          throw translate(error)
        }
      }
    }
  }
  return wrapped as unknown as WorkbenchHandlers
}
