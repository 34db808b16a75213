import type { Role } from '@shared/roles'
import type { LanguageModelPort } from '../../domain/agents/types'

export interface RoleAdapterSpec {
  /** A GGUF LoRA adapter for the base model. */
  filePath: string
  /** Defaults to 1. */
  scale?: number
}

export interface AgentSetup {
  /** The base GGUF model all three roles share. */
  modelPath: string
  /** Each role's adapter; missing or null is the untrained base. */
  adapters?: Partial<Record<Role, RoleAdapterSpec | null>>
}

/**
 * Where services get role agents from. The implementation keeps the base model loaded and one context per role
 * (LoRA is per context in llama.cpp), and is shared by runs, evaluations and the playground.
 */
export interface AgentHost {
  agents(setup: AgentSetup, signal?: AbortSignal): Promise<LanguageModelPort>
  dispose(): Promise<void>
}
