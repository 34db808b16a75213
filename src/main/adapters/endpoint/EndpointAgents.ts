import { AppError } from '@shared/errors'
import { perRole, type Role } from '@shared/roles'
import type { GeneratedText, GenerationRequest, LanguageModelPort, StopReason } from '../../domain/agents/types'
import type { ChatCompletionResult, LlamaServerLora, OpenAiEndpointClient } from './OpenAiEndpointClient'

/** What one role's requests name: the served model, and on llama-server the adapter switch. */
export interface RoleTarget {
  model: string
  lora?: LlamaServerLora[]
}

export interface EndpointAgentsOptions {
  client: OpenAiEndpointClient
  /** Which roles run on their trained adapter (the endpoint's `roleAdapters`); the others run on the base model. */
  adapterRoles: ReadonlySet<Role>
}

/**
 * The three role agents on an OpenAI-compatible server ({@link LanguageModelPort}). Each sample is one chat completion
 * with `n: 1` and its own seed, so a node's text depends only on its seed (as with the embedded engine), `usage` gives
 * its exact token counts, and each sample is reported the moment it is done; the server batches concurrent requests
 * and shares their prompt through its prefix cache. The server renders the chat template.
 *
 * Like the embedded runtime, an aborted request resolves: samples not back yet return empty with `stopReason: 'abort'`.
 * A failing server rejects the request with the client's error once retries are spent, and its other samples are
 * abandoned.
 */
export class EndpointAgents implements LanguageModelPort {
  private readonly client: OpenAiEndpointClient
  private readonly targets: Record<Role, RoleTarget>

  constructor(options: EndpointAgentsOptions) {
    this.client = options.client
    this.targets = perRole((role) => roleTarget(options.client, role, options.adapterRoles.has(role)))
  }

  /** The model name (and llama-server adapter list) a role's requests carry. */
  targetOf(role: Role): RoleTarget {
    return this.targets[role]
  }

  async generate(request: GenerationRequest): Promise<GeneratedText[]> {
    const target = this.targets[request.role]
    if (!target) throw new AppError('invalid_input', `unknown role '${request.role}'`, { field: 'role' })
    const { sampling } = request
    if (!(sampling.temperature >= 0)) throw new AppError('invalid_input', `temperature must be ≥ 0, got ${sampling.temperature}`, { field: 'temperature' })
    if (!(sampling.topP > 0 && sampling.topP <= 1)) throw new AppError('invalid_input', `topP must be in (0, 1], got ${sampling.topP}`, { field: 'topP' })
    if (!Number.isInteger(sampling.maxTokens) || sampling.maxTokens < 0) {
      throw new AppError('invalid_input', `maxTokens must be a non-negative integer, got ${sampling.maxTokens}`, { field: 'maxTokens' })
    }
    if (request.seeds.some((seed) => !Number.isFinite(seed))) throw new AppError('invalid_input', 'seeds must be finite numbers', { field: 'seeds' })

    const started = performance.now()
    // Our own signal, so that one failed sample abandons its siblings instead of leaving them running unawaited.
    const abandon = new AbortController()
    const signal = request.signal ? AbortSignal.any([request.signal, abandon.signal]) : abandon.signal
    const aborted = (): GeneratedText => ({ text: '', stopReason: 'abort', promptTokens: 0, evaluatedPromptTokens: 0, completionTokens: 0, durationMs: performance.now() - started })

    const samples = request.seeds.map(async (seed, index): Promise<GeneratedText> => {
      let result: GeneratedText
      try {
        const reply = await this.client.complete({
          model: target.model,
          messages: request.messages,
          n: 1,
          // Servers take seeds as unsigned 32-bit (llama.cpp) or 64-bit integers; ours are used modulo 2^32 everywhere.
          seed: Math.trunc(seed) >>> 0,
          temperature: sampling.temperature,
          topP: sampling.topP,
          maxTokens: sampling.maxTokens,
          ...(target.lora ? { lora: target.lora } : {}),
          signal
        })
        result = toGeneratedText(reply, performance.now() - started)
      } catch (error) {
        if (!request.signal?.aborted) {
          abandon.abort(error)
          throw error
        }
        result = aborted()
      }
      if (request.onDelta && result.text) request.onDelta(index, result.text)
      request.onSampleDone?.(index, result)
      return result
    })
    try {
      return await Promise.all(samples)
    } finally {
      // Settle the abandoned siblings so none rejects unobserved.
      await Promise.allSettled(samples)
    }
  }
}

function toGeneratedText(reply: ChatCompletionResult, durationMs: number): GeneratedText {
  const choice = reply.choices[0]!
  const stopReason: StopReason = choice.finishReason === 'length' ? 'maxTokens' : 'eos'
  return {
    text: choice.text,
    stopReason,
    promptTokens: reply.promptTokens,
    evaluatedPromptTokens: reply.cachedPromptTokens === null ? reply.promptTokens : Math.max(0, reply.promptTokens - reply.cachedPromptTokens),
    completionTokens: reply.completionTokens,
    durationMs
  }
}

function roleTarget(client: OpenAiEndpointClient, role: Role, useAdapter: boolean): RoleTarget {
  const { spec } = client
  const adapter = spec.roleAdapters[role]
  if (useAdapter && adapter === undefined) {
    throw new AppError(
      'invalid_input',
      `endpoint '${spec.name}' has no adapter for the ${role}, but this job gives the ${role} a trained adapter; add one with malt models add-endpoint … --role-adapter ${role}=${spec.loraStyle === 'llama-server' ? 'ID' : 'NAME'}`,
      { field: 'adapters' }
    )
  }
  if (spec.loraStyle === 'llama-server') {
    // The base model is adapter 0 at scale 0 (every adapter not listed is at 0 too), never an empty or missing list:
    // then llama-server applies its start-up adapters, every one at scale 1 even with --lora-init-without-apply (that
    // flag only spares the first context), and keeps the prompt cached under the previous request's adapter.
    return { model: spec.servedModel, lora: useAdapter ? [{ id: Number(adapter), scale: 1 }] : [{ id: 0, scale: 0 }] }
  }
  return { model: useAdapter ? adapter! : spec.servedModel }
}
