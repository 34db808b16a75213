import type { Role } from '@shared/roles'
import type { Benchmark } from '@shared/benchmarks'
import type { PromptTemplateRecord } from '@shared/api/schemas/prompts'
import { AppError } from '@shared/errors'
import type { ChatMessage } from '../domain/agents/types'
import { defaultPromptTemplates } from '../domain/prompts/defaultPromptTemplates'
import type { PromptVariables } from '../domain/prompts/PromptTemplate'
import { renderRoleMessages } from '../domain/prompts/renderRoleMessages'
import type { TemplateIssue } from '../domain/prompts/validateTemplate'
import { validateTemplate } from '../domain/prompts/validateTemplate'
import type { EventBus } from './EventBus'
import type { PromptTemplateRepository } from './ports/PromptTemplateRepository'

/** Role prompt templates per benchmark, versioned in the store; the paper-style defaults are version 1. */
export class PromptService {
  constructor(
    private readonly templates: PromptTemplateRepository,
    private readonly events: EventBus
  ) {
    templates.seed(defaultPromptTemplates)
  }

  list(filter: { benchmark?: Benchmark; role?: Role } = {}): PromptTemplateRecord[] {
    return this.templates.list(filter)
  }

  get(id: number): PromptTemplateRecord {
    return this.templates.get(id)
  }

  latest(benchmark: Benchmark, role: Role): PromptTemplateRecord {
    return this.templates.latest(benchmark, role)
  }

  /** The newest version of each role's template for a benchmark: what a new run uses unless told otherwise. */
  latestIds(benchmark: Benchmark): Record<Role, number> {
    return {
      generator: this.latest(benchmark, 'generator').id,
      verifier: this.latest(benchmark, 'verifier').id,
      refiner: this.latest(benchmark, 'refiner').id
    }
  }

  validate(template: { benchmark: Benchmark; role: Role; system: string; user: string }): TemplateIssue[] {
    return validateTemplate(template)
  }

  save(template: { benchmark: Benchmark; role: Role; system: string; user: string; note?: string }): PromptTemplateRecord {
    const issues = validateTemplate(template)
    if (issues.length > 0) {
      throw new AppError('invalid_input', `the ${template.benchmark} ${template.role} template: ${issues.map((issue) => issue.message).join('; ')}`, {
        field: issues[0]!.placeholder
      })
    }
    const record = this.templates.addVersion(template)
    this.events.changed('prompts')
    return record
  }

  /** Renders a stored template version into chat messages. */
  render(templateId: number, vars: PromptVariables): ChatMessage[] {
    const record = this.templates.get(templateId)
    return renderRoleMessages({ benchmark: record.benchmark, role: record.role, system: record.system, user: record.user }, vars)
  }
}
