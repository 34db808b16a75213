/**
 * Error codes shared by every transport. Errors lose their class when they cross IPC, HTTP or a process
 * boundary, so each one carries a stable `code` that the other side turns back into an {@link AppError}.
 */
export const appErrorCodes = [
  'invalid_input',
  'not_found',
  'conflict',
  'bad_file',
  'database_not_ours',
  'database_corrupt',
  'database_too_new',
  'disk_full',
  'model_load_failed',
  'adapter_mismatch',
  'environment_missing',
  'runner_failed',
  'cancelled',
  'unauthorized',
  'unavailable',
  'internal'
] as const

export type AppErrorCode = (typeof appErrorCodes)[number]

/** The wire form of an error: what IPC, HTTP and the CLI's JSON output carry. */
export interface SerializedAppError {
  code: AppErrorCode
  message: string
  /** Where the problem is, when it is in a file or a payload: file, 1-based line and field. */
  location?: ErrorLocation
}

export interface ErrorLocation {
  file?: string
  line?: number
  field?: string
}

export class AppError extends Error {
  override name = 'AppError'

  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly location?: ErrorLocation,
    options?: { cause?: unknown }
  ) {
    super(message, options)
  }

  toJSON(): SerializedAppError {
    return { code: this.code, message: this.message, ...(this.location ? { location: this.location } : {}) }
  }

  static fromSerialized(error: SerializedAppError): AppError {
    return new AppError(error.code, error.message, error.location)
  }
}

export function isAppErrorCode(value: unknown): value is AppErrorCode {
  return typeof value === 'string' && (appErrorCodes as readonly string[]).includes(value)
}

/**
 * Turns anything thrown into the wire form. Errors that are not AppErrors become `internal`, keeping their
 * message: a researcher would rather read "ENOSPC: no space left on device" than "something went wrong".
 */
export function serializeError(error: unknown): SerializedAppError {
  if (error instanceof AppError) return error.toJSON()
  if (error && typeof error === 'object' && 'code' in error && isAppErrorCode((error as { code: unknown }).code)) {
    const e = error as { code: AppErrorCode; message?: unknown; location?: ErrorLocation }
    return { code: e.code, message: String(e.message ?? e.code), ...(e.location ? { location: e.location } : {}) }
  }
  const nodeCode = (error as { code?: unknown } | null | undefined)?.code
  const message = error instanceof Error ? error.message : String(error)
  if (nodeCode === 'ENOSPC' || nodeCode === 'SQLITE_FULL') return { code: 'disk_full', message }
  return { code: 'internal', message }
}

/** "file.jsonl:12 field 'answer': …" — the one-line form the CLI prints and the UI shows. */
export function formatErrorLocation(location: ErrorLocation | undefined): string {
  if (!location) return ''
  const parts: string[] = []
  if (location.file) parts.push(location.line !== undefined ? `${location.file}:${location.line}` : location.file)
  else if (location.line !== undefined) parts.push(`line ${location.line}`)
  if (location.field) parts.push(`field '${location.field}'`)
  return parts.join(' ')
}
