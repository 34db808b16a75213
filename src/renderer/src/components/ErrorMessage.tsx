import type { JSX } from 'react'
import type { AppError } from '@shared/errors'
import { formatErrorLocation } from '@shared/errors'

/** Shows an error with its code and where it is (file, line, field), the way the CLI prints it. */
export function ErrorMessage(props: { error: AppError | Error | string; title?: string }): JSX.Element {
  const error = props.error
  const message = typeof error === 'string' ? error : error.message
  const code = typeof error === 'object' && 'code' in error ? String(error.code) : null
  const where = typeof error === 'object' && 'location' in error ? formatErrorLocation(error.location) : ''
  return (
    <div className="error-box" role="alert">
      <strong>{props.title ?? 'Error'}</strong>
      {code && <span className="tag">{code}</span>}
      {where && !message.includes(where) && <div className="mono">{where}</div>}
      <div>{message}</div>
    </div>
  )
}
