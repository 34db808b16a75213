import { AppError } from '@shared/errors'

/**
 * The role agents' engine cannot be reached for now (an inference server that is down, overloaded or timing out, after
 * retries). Jobs pause on it instead of failing: everything stored stays, and resume continues once it is back.
 */
export class AgentsUnavailableError extends AppError {
  override name = 'AgentsUnavailableError'

  constructor(message: string, options?: { cause?: unknown }) {
    super('unavailable', message, undefined, options)
  }
}
