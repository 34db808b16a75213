import { AppError } from './index'

/**
 * Work stopped because someone asked it to. `paused` marks a resumable stop (a run or an evaluation keeps what it
 * stored and can go on later); otherwise it was cancelled.
 */
export class CancelledError extends AppError {
  override name = 'CancelledError'

  constructor(
    message: string,
    readonly paused = false,
    options?: { cause?: unknown }
  ) {
    super('cancelled', message, undefined, options)
  }

  /** Whether an abort reason (or a thrown error) is a pause rather than a cancellation. */
  static isPause(reason: unknown): boolean {
    return reason instanceof CancelledError && reason.paused
  }
}
