import { isPromptPlaceholder, placeholderPattern, requiredPlaceholders, type PromptTemplate } from './PromptTemplate'

export interface TemplateIssue {
  /**
   * - `unknown_placeholder`: not one of `question`, `choices`, `generation`, `verification` (a typo).
   * - `unavailable_placeholder`: a real placeholder the role does not get (`{{verification}}` for a verifier).
   * - `missing_placeholder`: the role needs it and the template never uses it.
   */
  kind: 'unknown_placeholder' | 'unavailable_placeholder' | 'missing_placeholder'
  placeholder: string
  message: string
}

/**
 * Checks a template's `{{placeholders}}` against its role (see `requiredPlaceholders`). Returns the issues,
 * empty when the template is usable; each message names the placeholder, for the template editor.
 */
export function validateTemplate(template: PromptTemplate): TemplateIssue[] {
  const issues: TemplateIssue[] = []
  const required = requiredPlaceholders(template.benchmark, template.role)
  const used = new Set<string>()
  for (const text of [template.system, template.user]) {
    for (const match of text.matchAll(placeholderPattern)) used.add(match[1]!)
  }

  for (const name of used) {
    if (!isPromptPlaceholder(name)) {
      issues.push({
        kind: 'unknown_placeholder',
        placeholder: name,
        message: `unknown placeholder {{${name}}}; known ones are {{question}}, {{choices}}, {{generation}}, {{verification}}`
      })
    } else if (!required.includes(name)) {
      issues.push({
        kind: 'unavailable_placeholder',
        placeholder: name,
        message: `{{${name}}} is not available to the ${template.benchmark} ${template.role}, which gets ${required.map((p) => `{{${p}}}`).join(', ')}`
      })
    }
  }
  for (const name of required) {
    if (!used.has(name)) {
      issues.push({
        kind: 'missing_placeholder',
        placeholder: name,
        message: `the ${template.benchmark} ${template.role} template must use {{${name}}}`
      })
    }
  }
  return issues
}
