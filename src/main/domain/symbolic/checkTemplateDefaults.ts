import { AppError } from '@shared/errors'
import { createRandom } from '../random/seededRandom'
import { isTruthy } from './applyBinaryOperator'
import { evaluateExpression } from './evaluateExpression'
import { ExpressionError } from './ExpressionError'
import { formatAnswerValue } from './formatTemplateValue'
import type { SymbolicTemplate } from './parseSymbolicTemplate'
import { renderQuestion } from './renderQuestion'
import { resolveDefaultBindings } from './resolveDefaultBindings'
import { assertKnownNames, TemplateScope } from './TemplateScope'

export interface DefaultsCheck {
  templateId: number
  /** The question with every slot at its default, through the same renderer as sampled instances. */
  question: string
  /** `exact`; `whitespace` when only runs of spaces differ (GSM8K has double spaces the templates dropped). */
  questionMatch: 'exact' | 'whitespace' | 'different'
  /** `#answer:` evaluated on the defaults, as written after `#### `; null when it failed (see `error`). */
  answer: string | null
  /** The GSM8K answer after `#### `. */
  originalAnswer: string
  answerMatches: boolean
  /** Conditions the original numbers break: the templates' ranges need not contain GSM8K's values. */
  failedConditions: string[]
  /** How variables the question never shows got a value. */
  notes: string[]
  error?: string
}

/**
 * Checks a template against the GSM8K problem it came from: rendered at its defaults the question should be the
 * original, and `#answer:` on the defaults should give the original answer. This is what makes a template
 * trustworthy: the same parser, evaluator and renderer then produce the fresh instances.
 */
export function checkTemplateDefaults(template: SymbolicTemplate): DefaultsCheck {
  const question = renderQuestion(template, (slot) => slot.defaultText)
  const original = template.originalQuestion.trim()
  const collapse = (text: string): string => text.replace(/\s+/g, ' ').trim()
  const questionMatch = question === original ? 'exact' : collapse(question) === collapse(original) ? 'whitespace' : 'different'
  const originalAnswer = template.originalAnswer.slice(template.originalAnswer.lastIndexOf('####') + 4).trim()
  const base = { templateId: template.id, question, questionMatch, originalAnswer } as const

  try {
    assertKnownNames(template)
    const { bindings, notes } = resolveDefaultBindings(template)
    const scope = new TemplateScope(createRandom(0))
    for (const [name, value] of bindings) scope.variables.set(name, value)
    const answer = formatAnswerValue(evaluateExpression(template.answerExpression.expr, scope))
    const failedConditions = template.conditions
      .filter((condition) => {
        try {
          return !isTruthy(evaluateExpression(condition.expr, scope))
        } catch (error) {
          if (error instanceof ExpressionError) return true
          throw error
        }
      })
      .map((condition) => condition.source)
    return { ...base, answer, answerMatches: answer === originalAnswer.replace(/,/g, ''), failedConditions, notes }
  } catch (error) {
    if (!(error instanceof AppError) && !(error instanceof ExpressionError)) throw error
    return { ...base, answer: null, answerMatches: false, failedConditions: [], notes: [], error: error.message }
  }
}
