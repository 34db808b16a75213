import { AppError } from './index'

/**
 * A payload that does not match the contract: which field, what the schema expects there (`> 0`, `<= 64`, `an
 * integer`, `one of "sft"|"dpo"`) and what arrived. Front ends that know the field by another name (a CLI flag)
 * reword it from these; over the wire it is `invalid_input` with its message, like any AppError.
 */
export class InvalidInputError extends AppError {
  override name = 'InvalidInputError'

  constructor(
    message: string,
    /** Dotted path into the payload, e.g. `sampling.topP`; undefined when the payload as a whole is wrong. */
    readonly field: string | undefined,
    readonly expected: string,
    readonly actual: unknown
  ) {
    super('invalid_input', message, field ? { field } : undefined)
  }
}
