import { AppError } from '@shared/errors'
import type { ChatMessage } from '../agents/types'
import { formatChoices } from './formatChoices'
import { isPromptPlaceholder, placeholderPattern, type PromptTemplate, type PromptVariables } from './PromptTemplate'

export interface RenderRoleMessagesOptions {
  /**
   * What the refiner reads in place of an empty verification, for the G+R ablation (paper App. A.9: "we
   * specify an empty verification to the Refinement model"). A blank feedback slot would read as a broken
   * prompt, so the slot says plainly that there is none.
   * Defaults to {@link defaultEmptyVerificationText}.
   */
  emptyVerificationText?: string
}

export const defaultEmptyVerificationText = 'No feedback was given; check the solution yourself and refine it.'

/**
 * The chat messages for one role call: the system prompt (left out when empty) and the user message.
 *
 * Substitution is a single pass over the template, so text inside a variable is never substituted again
 * (a question that contains `{{generation}}` stays as written). A placeholder the template uses but `vars`
 * lacks is an `invalid_input` error naming it; an unknown placeholder is one too. An empty or blank
 * `verification` is the G+R ablation and renders as `options.emptyVerificationText`.
 */
export function renderRoleMessages(
  template: PromptTemplate,
  vars: PromptVariables,
  options: RenderRoleMessagesOptions = {}
): ChatMessage[] {
  const emptyVerificationText = options.emptyVerificationText ?? defaultEmptyVerificationText
  const fill = (text: string): string =>
    text.replace(placeholderPattern, (_match, name: string) => {
      if (!isPromptPlaceholder(name)) {
        throw new AppError(
          'invalid_input',
          `the ${template.benchmark} ${template.role} template has an unknown placeholder {{${name}}}`,
          { field: name }
        )
      }
      const value = valueOf(name, vars, emptyVerificationText)
      if (value === undefined) {
        throw new AppError(
          'invalid_input',
          `prompt variable '${name}' is missing: the ${template.benchmark} ${template.role} template uses {{${name}}}`,
          { field: name }
        )
      }
      return value
    })

  const system = fill(template.system)
  const user = fill(template.user)
  return system.length > 0
    ? [
        { role: 'system', content: system },
        { role: 'user', content: user }
      ]
    : [{ role: 'user', content: user }]
}

function valueOf(name: string, vars: PromptVariables, emptyVerificationText: string): string | undefined {
  switch (name) {
    case 'question':
      return vars.question
    case 'choices':
      return vars.choices ? formatChoices(vars.choices) : undefined
    case 'generation':
      return vars.generation
    case 'verification':
      if (vars.verification === undefined) return undefined
      return vars.verification.trim().length === 0 ? emptyVerificationText : vars.verification
    default:
      return undefined
  }
}
