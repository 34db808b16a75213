import type { ErrorLocation } from './index'
import { AppError } from './index'

/** Something asked for by id is not there: which kind of thing (`dataset`, `run`…) and the id asked for. */
export class NotFoundError extends AppError {
  override name = 'NotFoundError'

  constructor(
    readonly what: string,
    readonly id: number | string,
    options: { message?: string; location?: ErrorLocation } = {}
  ) {
    super('not_found', options.message ?? `no ${what} with id ${id}`, options.location)
  }
}
