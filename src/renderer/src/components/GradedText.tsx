import type { JSX } from 'react'
import type { AnswerExtractionView } from '@shared/api/schemas/common'
import { extractionSourceLabels } from '@shared/grading/AnswerExtraction'

/**
 * A model output with the text the grader read its answer from highlighted, so a user sees what was taken and from
 * where. Offsets that do not fit the text (a record from another grader version) show the text plain.
 */
export function GradedText(props: { text: string; extraction: AnswerExtractionView | null | undefined; className?: string; testId?: string }): JSX.Element {
  const { text, extraction } = props
  const fits = extraction && extraction.start <= extraction.end && extraction.end <= text.length
  return (
    <pre className={props.className} data-testid={props.testId}>
      {fits ? (
        <>
          {text.slice(0, extraction.start)}
          <mark className="extracted-answer" title={`the grader read the answer here (${extractionSourceLabels[extraction.source]})`}>
            {text.slice(extraction.start, extraction.end)}
          </mark>
          {text.slice(extraction.end)}
        </>
      ) : (
        text
      )}
    </pre>
  )
}

/** "from the Final Answer line · equal as numbers": where the answer came from and why the verdict, in words. */
export function GradingNote(props: { extraction: AnswerExtractionView | null | undefined; reason: string | null | undefined }): JSX.Element | null {
  const parts: string[] = []
  if (props.extraction) parts.push(`from the ${extractionSourceLabels[props.extraction.source]}`)
  if (props.reason) parts.push(props.reason)
  if (parts.length === 0) return null
  return (
    <span className="grading-note muted" data-testid="grading-note">
      {parts.join(' · ')}
    </span>
  )
}
