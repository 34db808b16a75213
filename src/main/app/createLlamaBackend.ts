import type { LlamaAgentHost, LlamaHostSettings } from '../adapters/llm/LlamaAgentHost'
import type { AgentHost } from '../services/ports/AgentHost'
import type { ModelInspector } from '../services/ports/ModelInspector'

export interface LlamaBackend {
  agentHost: AgentHost
  inspector: ModelInspector
}

/**
 * The node-llama-cpp side of the workbench: one lazily created host shared by the agents and the model manager.
 * llama.cpp's bindings are imported on first use, so commands that never touch a model (import, datasets, grade)
 * start fast.
 */
export function createLlamaBackend(settings: () => LlamaHostSettings): LlamaBackend {
  let host: Promise<LlamaAgentHost> | null = null
  const getHost = () => {
    host ??= import('../adapters/llm/LlamaAgentHost').then(({ LlamaAgentHost }) => new LlamaAgentHost({ settings }))
    return host
  }
  let inspector: Promise<ModelInspector> | null = null
  const getInspector = () => {
    inspector ??= import('../adapters/llm/LlamaModelInspector').then(({ LlamaModelInspector }) => new LlamaModelInspector(getHost))
    return inspector
  }
  return {
    agentHost: {
      agents: async (setup, signal) => (await getHost()).agents(setup, signal),
      dispose: async () => {
        if (host) await (await host).dispose()
      }
    },
    inspector: {
      defaultDownloadUri: 'hf:Qwen/Qwen2.5-1.5B-Instruct-GGUF:Q4_K_M',
      describe: async (path, signal) => (await getInspector()).describe(path, signal),
      backend: async () => (await getInspector()).backend(),
      download: async (options) => (await getInspector()).download(options)
    }
  }
}
