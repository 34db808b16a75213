import { endpointNameOf } from '@shared/api/schemas/endpoints'
import type { LanguageModelPort } from '../domain/agents/types'
import type { AgentHost, AgentSetup } from '../services/ports/AgentHost'

/**
 * The engine port's one door: a model reference `endpoint:NAME` goes to the OpenAI-compatible engine, anything else (a
 * GGUF path) to the embedded node-llama-cpp engine, which stays the default. Services never see the difference.
 */
export class RoutingAgentHost implements AgentHost {
  constructor(
    private readonly embedded: AgentHost,
    private readonly endpoints: AgentHost
  ) {}

  agents(setup: AgentSetup, signal?: AbortSignal): Promise<LanguageModelPort> {
    return (endpointNameOf(setup.modelPath) === null ? this.embedded : this.endpoints).agents(setup, signal)
  }

  async dispose(): Promise<void> {
    await Promise.all([this.embedded.dispose(), this.endpoints.dispose()])
  }
}
