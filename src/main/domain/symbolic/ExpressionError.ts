/**
 * An error while tokenizing, parsing or evaluating a template expression, named after the Python exception it
 * stands for. The template layer adds the template id and the expression text before a person sees it.
 * `ZeroDivisionError` is special: a condition like `x / (a - b) > 2` can divide by zero for some samples, and that
 * sample is rejected rather than the template declared broken.
 */
export type ExpressionErrorKind = 'SyntaxError' | 'NameError' | 'TypeError' | 'ValueError' | 'IndexError' | 'ZeroDivisionError'

export class ExpressionError extends Error {
  override name = 'ExpressionError'

  constructor(
    readonly kind: ExpressionErrorKind,
    message: string
  ) {
    super(`${kind}: ${message}`)
  }
}
