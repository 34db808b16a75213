import OpenAI from 'openai'
import pLimit, { type LimitFunction } from 'p-limit'
import { Agent, fetch as undiciFetch } from 'undici'
import type { EndpointSpec } from '@shared/api/schemas/endpoints'
import { AppError } from '@shared/errors'
import type { ChatMessage } from '../../domain/agents/types'
import { EndpointRequestError } from './EndpointRequestError'
import { EndpointUnavailableError } from './EndpointUnavailableError'

export interface OpenAiEndpointClientOptions {
  spec: EndpointSpec
  /** Where the API key variable (`spec.apiKeyEnv`) is read. Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv
  /** Overrides `spec.maxRetries` and `spec.timeoutSeconds` (a quick check should not wait as long as a job). */
  limits?: { maxRetries?: number; timeoutSeconds?: number }
}

/** llama-server's per-request adapter switch: adapters not listed run at scale 0. */
export interface LlamaServerLora {
  id: number
  scale: number
}

export interface ChatCompletionRequest {
  model: string
  messages: readonly ChatMessage[]
  /** Completions of the same prompt in one request. Defaults to `1`. */
  n?: number
  seed?: number
  temperature: number
  topP: number
  maxTokens: number
  stop?: string[]
  /** Sent only to llama-server (`loraStyle: 'llama-server'`). */
  lora?: LlamaServerLora[]
  signal?: AbortSignal
}

export type FinishReason = 'stop' | 'length' | 'other'

export interface ChatCompletionResult {
  choices: { text: string; finishReason: FinishReason }[]
  /** From the reply's `usage`, summed over the choices. */
  promptTokens: number
  completionTokens: number
  /** Prompt tokens the server took from its prefix cache, when it says (`usage.prompt_tokens_details.cached_tokens`). */
  cachedPromptTokens: number | null
}

export interface LlamaServerAdapterInfo {
  id: number
  path: string
  scale: number
}

/**
 * One OpenAI-compatible server as this workbench uses it: chat completions through the `openai` client, which retries
 * 408, 409, 429 and 5xx answers, dropped connections and timeouts with exponential backoff (0.5 s doubling to 8 s,
 * or what `Retry-After` asks), and a cap on the requests in flight shared by every caller of this client. Failures
 * come out as {@link EndpointUnavailableError} (retrying did not help) or {@link EndpointRequestError} (retrying
 * cannot help), both naming the endpoint.
 */
export class OpenAiEndpointClient {
  readonly spec: EndpointSpec
  private readonly openai: OpenAI
  private readonly limit: LimitFunction
  private readonly apiKey: string | null
  private readonly dispatcher: Agent

  constructor(options: OpenAiEndpointClientOptions) {
    const spec: EndpointSpec = { ...options.spec, ...options.limits }
    this.spec = spec
    this.apiKey = readApiKey(spec, options.env ?? process.env)
    // Node's fetch gives up on a reply whose headers take over 300 s, and a non-streamed completion sends none until it
    // is done: a request queued behind others on a busy server would be cut and sent again. Our own timeout decides.
    this.dispatcher = new Agent({ headersTimeout: spec.timeoutSeconds * 1000, bodyTimeout: spec.timeoutSeconds * 1000 })
    this.openai = new OpenAI({
      baseURL: spec.baseUrl,
      // The client insists on a key; servers started without one ignore the header.
      apiKey: this.apiKey ?? 'none',
      // Never pick up OPENAI_ORG_ID / OPENAI_PROJECT_ID from the environment and send them to a third-party server.
      organization: null,
      project: null,
      maxRetries: spec.maxRetries,
      timeout: spec.timeoutSeconds * 1000,
      logLevel: 'off',
      fetch: undiciFetch as unknown as typeof fetch,
      // undici's own option; the client passes fetchOptions through to fetch as they are.
      fetchOptions: { dispatcher: this.dispatcher } as unknown as NonNullable<ConstructorParameters<typeof OpenAI>[0]>['fetchOptions']
    })
    this.limit = pLimit(spec.maxInFlight)
  }

  /** Closes the connections kept alive to the server once the requests in flight have their answers. */
  async close(): Promise<void> {
    await this.dispatcher.close()
  }

  /** `POST /chat/completions`, waiting its turn under the in-flight cap. An abort before it starts sends nothing. */
  complete(request: ChatCompletionRequest): Promise<ChatCompletionResult> {
    return this.limit(async () => {
      if (request.signal?.aborted) throw new AppError('cancelled', `the request to endpoint '${this.spec.name}' was cancelled`)
      const body = {
        model: request.model,
        messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
        n: request.n ?? 1,
        temperature: request.temperature,
        top_p: request.topP,
        max_tokens: request.maxTokens,
        ...(request.seed !== undefined ? { seed: request.seed } : {}),
        ...(request.stop && request.stop.length > 0 ? { stop: request.stop } : {}),
        // Not part of OpenAI's API; the client sends unknown fields as they are.
        ...(request.lora ? { lora: request.lora } : {}),
        stream: false as const
      }
      const reply = await this.call(() => this.openai.chat.completions.create(body, request.signal ? { signal: request.signal } : {}))
      return this.readReply(reply, body.n)
    })
  }

  /** The model ids `GET /models` lists (the base model and, on vLLM, each `--lora-modules` name). */
  async listModels(signal?: AbortSignal): Promise<string[]> {
    const page = await this.call(() => this.openai.models.list(signal ? { signal } : {}))
    return page.data.map((model) => model.id)
  }

  /**
   * llama-server's loaded adapters (`GET /lora-adapters`, beside `/v1`), for the Setup page's check; null when the
   * server has no such route (vLLM, SGLang).
   */
  async listLlamaServerAdapters(signal?: AbortSignal): Promise<LlamaServerAdapterInfo[] | null> {
    const url = `${this.spec.baseUrl.replace(/\/v1$/, '')}/lora-adapters`
    let response: Response
    try {
      response = (await undiciFetch(url, {
        headers: this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {},
        signal: AbortSignal.any([AbortSignal.timeout(this.spec.timeoutSeconds * 1000), ...(signal ? [signal] : [])]),
        dispatcher: this.dispatcher
      })) as unknown as Response
    } catch (error) {
      throw new EndpointUnavailableError(this.spec.name, this.spec.baseUrl, describeCause(error), 1, { cause: error })
    }
    if (response.status === 404) return null
    if (!response.ok) throw new EndpointRequestError(this.spec.name, this.spec.baseUrl, response.status, (await response.text()).slice(0, 500))
    const body: unknown = await response.json().catch(() => null)
    if (!Array.isArray(body)) throw new EndpointRequestError(this.spec.name, this.spec.baseUrl, null, 'GET /lora-adapters did not return a list')
    return body.map((entry: { id?: unknown; path?: unknown; scale?: unknown }) => ({
      id: Number(entry.id),
      path: String(entry.path ?? ''),
      scale: Number(entry.scale ?? 0)
    }))
  }

  private readReply(reply: OpenAI.Chat.Completions.ChatCompletion, n: number): ChatCompletionResult {
    const fail = (detail: string) => new EndpointRequestError(this.spec.name, this.spec.baseUrl, null, detail)
    if (!Array.isArray(reply.choices) || reply.choices.length !== n) {
      throw fail(`asked for ${n} completion(s), got ${Array.isArray(reply.choices) ? reply.choices.length : 'none'}`)
    }
    const usage = reply.usage
    if (!usage || !Number.isFinite(usage.prompt_tokens) || !Number.isFinite(usage.completion_tokens)) {
      throw fail('the reply has no usage (prompt_tokens, completion_tokens), which token counts are taken from')
    }
    const choices = [...reply.choices]
      .sort((a, b) => a.index - b.index)
      .map((choice) => ({
        text: typeof choice.message?.content === 'string' ? choice.message.content : '',
        finishReason: (choice.finish_reason === 'stop' || choice.finish_reason === 'length' ? choice.finish_reason : 'other') as FinishReason
      }))
    const cached = usage.prompt_tokens_details?.cached_tokens
    return {
      choices,
      promptTokens: usage.prompt_tokens,
      completionTokens: usage.completion_tokens,
      cachedPromptTokens: typeof cached === 'number' && Number.isFinite(cached) ? cached : null
    }
  }

  /** Runs one client call and turns what it throws into our errors. */
  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request()
    } catch (error) {
      throw this.translate(error)
    }
  }

  private translate(error: unknown): Error {
    const { name, baseUrl, maxRetries } = this.spec
    if (error instanceof OpenAI.APIUserAbortError) return new AppError('cancelled', `the request to endpoint '${name}' was cancelled`, undefined, { cause: error })
    if (error instanceof OpenAI.APIConnectionTimeoutError) {
      return new EndpointUnavailableError(name, baseUrl, `no answer within ${this.spec.timeoutSeconds} s`, maxRetries + 1, { cause: error })
    }
    if (error instanceof OpenAI.APIConnectionError) return new EndpointUnavailableError(name, baseUrl, describeCause(error.cause ?? error), maxRetries + 1, { cause: error })
    if (error instanceof OpenAI.APIError && typeof error.status === 'number') {
      const detail = errorDetail(error)
      const retried = error.status === 408 || error.status === 409 || error.status === 429 || error.status >= 500
      if (retried) return new EndpointUnavailableError(name, baseUrl, `HTTP ${error.status}${detail ? `: ${detail}` : ''}`, maxRetries + 1, { cause: error })
      return new EndpointRequestError(name, baseUrl, error.status, detail || 'no detail given', { cause: error })
    }
    if (error instanceof OpenAI.OpenAIError) return new EndpointRequestError(name, baseUrl, null, error.message, { cause: error })
    return error instanceof Error ? error : new Error(String(error))
  }
}

function readApiKey(spec: EndpointSpec, env: NodeJS.ProcessEnv): string | null {
  if (!spec.apiKeyEnv) return null
  const key = env[spec.apiKeyEnv]
  if (!key) {
    throw new AppError(
      'environment_missing',
      `endpoint '${spec.name}' reads its API key from the environment variable ${spec.apiKeyEnv}, which is not set; set it before starting the workbench`,
      { field: 'apiKeyEnv' }
    )
  }
  return key
}

/** The server's own words, without echoing anything of ours (the key is only ever in a header). */
function errorDetail(error: InstanceType<typeof OpenAI.APIError>): string {
  const body = error.error as { message?: unknown } | undefined
  const message = typeof body?.message === 'string' ? body.message : error.message.replace(/^\d{3}\s*/, '')
  return message.slice(0, 500)
}

/** "fetch failed" says nothing; its cause says "connect ECONNREFUSED 127.0.0.1:8080" or "other side closed". */
function describeCause(error: unknown): string {
  let current: unknown = error
  let message = error instanceof Error ? error.message : String(error)
  for (let depth = 0; depth < 4 && current instanceof Error && current.cause !== undefined; depth++) {
    current = current.cause
    if (current instanceof Error && current.message) message = current.message
  }
  const code = (current as { code?: unknown } | null)?.code
  return typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message
}
