import { AppError, type AppErrorCode } from '@shared/errors'

/** An endpoint that answered, but with a refusal retrying cannot fix (a 4xx other than 408, 409 and 429) or a malformed reply. */
export class EndpointRequestError extends AppError {
  override name = 'EndpointRequestError'

  constructor(
    readonly endpointName: string,
    readonly baseUrl: string,
    /** The HTTP status, or null when the reply was a 200 we could not use. */
    readonly status: number | null,
    detail: string,
    options?: { cause?: unknown }
  ) {
    super(
      codeOf(status),
      `endpoint '${endpointName}' (${baseUrl}) ${status === null ? 'sent a reply we cannot use' : `refused the request (HTTP ${status})`}: ${detail}`,
      undefined,
      options
    )
  }
}

function codeOf(status: number | null): AppErrorCode {
  if (status === 401 || status === 403) return 'unauthorized'
  if (status === 404) return 'not_found'
  if (status === null) return 'internal'
  return 'invalid_input'
}
