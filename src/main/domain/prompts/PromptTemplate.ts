import type { Role } from '@shared/roles'
import type { Benchmark } from '@shared/benchmarks'

/**
 * A role-conditioning prompt (paper §4.1: the prompt sets P_G, P_V, P_R). `system` and `user` are text with
 * `{{placeholder}}` slots, filled by {@link renderRoleMessages}. The same templates serve every baseline and
 * trained model on a benchmark (paper App. A.9), so a run records the templates it used.
 */
export interface PromptTemplate {
  benchmark: Benchmark
  role: Role
  system: string
  user: string
}

export const promptPlaceholders = ['question', 'choices', 'generation', 'verification'] as const

/**
 * - `question`: the problem text.
 * - `choices`: CSQA's answer options, rendered one per line as `A: text`.
 * - `generation`: the generator's output (verifier and refiner).
 * - `verification`: the verifier's output (refiner).
 */
export type PromptPlaceholder = (typeof promptPlaceholders)[number]

export interface PromptVariables {
  question: string
  /** CSQA: the choice texts in label order (A, B, …). */
  choices?: readonly string[]
  generation?: string
  /** An empty string is the G+R ablation's "empty verification"; see `RenderRoleMessagesOptions`. */
  verification?: string
}

/**
 * The placeholders a role's template must use: what that role sees in the paper's pipeline
 * (G: q; V: q, g; R: q, g, v), plus the choices on CSQA. They are also the only ones it may use.
 */
export function requiredPlaceholders(benchmark: Benchmark, role: Role): PromptPlaceholder[] {
  const byRole: Record<Role, PromptPlaceholder[]> = {
    generator: ['question'],
    verifier: ['question', 'generation'],
    refiner: ['question', 'generation', 'verification']
  }
  const required = byRole[role]
  return benchmark === 'csqa' ? [required[0]!, 'choices', ...required.slice(1)] : [...required]
}

/** `{{name}}`, spaces inside the braces allowed. */
export const placeholderPattern = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g

export function isPromptPlaceholder(name: string): name is PromptPlaceholder {
  return (promptPlaceholders as readonly string[]).includes(name)
}
