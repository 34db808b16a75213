import { AgentsUnavailableError } from '../../services/ports/AgentsUnavailableError'

/**
 * An inference endpoint that could not answer: unreachable, timed out, or failing (429, 5xx) after every retry. Jobs
 * treat it as a pause, not a failure: what they stored stays, and resume carries on once the server is back.
 */
export class EndpointUnavailableError extends AgentsUnavailableError {
  override name = 'EndpointUnavailableError'

  constructor(
    readonly endpointName: string,
    readonly baseUrl: string,
    /** What went wrong on the last attempt, e.g. "connection refused" or "HTTP 503: loading model". */
    readonly reason: string,
    readonly attempts: number,
    options?: { cause?: unknown }
  ) {
    super(
      `endpoint '${endpointName}' (${baseUrl}) did not answer after ${attempts} attempt(s): ${reason}; start the server again (or check its address with malt models check-endpoint) and resume`,
      options
    )
  }
}
