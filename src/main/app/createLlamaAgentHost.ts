import type { AgentHost } from '../services/ports/AgentHost'
import type { LlamaAgentHostOptions } from '../adapters/llm/LlamaAgentHost'

/**
 * The node-llama-cpp agent host, imported on first use: commands that never generate (import, datasets, grade)
 * start without loading llama.cpp's bindings.
 */
export function createLlamaAgentHost(options: LlamaAgentHostOptions = {}): AgentHost & { host(): Promise<import('../adapters/llm/LlamaAgentHost').LlamaAgentHost> } {
  let host: Promise<import('../adapters/llm/LlamaAgentHost').LlamaAgentHost> | null = null
  const get = () => {
    host ??= import('../adapters/llm/LlamaAgentHost').then(({ LlamaAgentHost }) => new LlamaAgentHost(options))
    return host
  }
  return {
    host: get,
    agents: async (setup, signal) => (await get()).agents(setup, signal),
    dispose: async () => {
      if (host) await (await host).dispose()
    }
  }
}
