/**
 * Concurrent requests that stop together at their first failure (a crashed model, a full disk while saving): every
 * request of the group is given `signal`; `fail` records the first error and aborts it, and an abort of the caller's
 * signal stops the group too. `run` awaits the group's work and then throws that first error, so the caller sees the
 * cause rather than the aborts it set off.
 */
export class FailFastGroup {
  private readonly controller = new AbortController()
  private failure: { error: unknown } | null = null

  constructor(private readonly outer?: AbortSignal) {}

  get signal(): AbortSignal {
    return this.controller.signal
  }

  get stopped(): boolean {
    return this.controller.signal.aborted
  }

  fail(error: unknown): void {
    this.failure ??= { error }
    this.controller.abort(error)
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const onOuterAbort = () => this.controller.abort(this.outer?.reason)
    this.outer?.addEventListener('abort', onOuterAbort, { once: true })
    if (this.outer?.aborted) this.controller.abort(this.outer.reason)
    let result: T
    try {
      result = await work()
    } finally {
      this.outer?.removeEventListener('abort', onOuterAbort)
    }
    if (this.failure) throw this.failure.error
    return result
  }
}
