import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EndpointAgents } from '../../src/main/adapters/endpoint/EndpointAgents'
import { EndpointRequestError } from '../../src/main/adapters/endpoint/EndpointRequestError'
import { EndpointUnavailableError } from '../../src/main/adapters/endpoint/EndpointUnavailableError'
import { OpenAiEndpointClient } from '../../src/main/adapters/endpoint/OpenAiEndpointClient'
import type { ChatMessage, GeneratedText } from '../../src/main/domain/agents/types'
import type { Role } from '../../src/shared/roles'
import { endpointSpecSchema, type EndpointSpecInput } from '../../src/shared/api/schemas/endpoints'
import { AppError } from '../../src/shared/errors'
import { startFaultProxy, type Fault, type FaultProxy } from '../support/faultProxy'
import { startLlamaServer, type RunningLlamaServer } from '../support/llamaServer'
import { tinyLoraPath, tinyModelPath } from '../support/models'
import { makeTempDir } from '../support/paths'
import { writeTinyLora } from '../support/tinyLora'

/**
 * The OpenAI-compatible engine against a real llama-server (built from node-llama-cpp's llama.cpp source) on the tiny
 * model with one LoRA per role, loaded with --lora-init-without-apply and switched per request. Faults (503, 429,
 * dropped connections, silence) come from a small proxy in front of the real server.
 */

const temp = makeTempDir('malt-endpoint-')
let server: RunningLlamaServer
const proxies: FaultProxy[] = []

const messages: ChatMessage[] = [
  { role: 'system', content: 'You are a careful solver.' },
  { role: 'user', content: 'Natalia sold clips to 48 of her friends in April, and then half as many in May. How many clips did she sell?' }
]

function spec(overrides: Partial<EndpointSpecInput> = {}) {
  return endpointSpecSchema.parse({
    name: 'tiny-server',
    baseUrl: server.baseUrl,
    servedModel: 'tiny',
    loraStyle: 'llama-server',
    roleAdapters: { generator: '0', verifier: '1', refiner: '2' },
    maxRetries: 3,
    timeoutSeconds: 60,
    ...overrides
  })
}

async function proxy(plan: (index: number) => Fault): Promise<FaultProxy> {
  const started = await startFaultProxy(server.baseUrl.replace(/\/v1$/, ''), plan)
  proxies.push(started)
  return started
}

const greedy = { temperature: 0, topP: 1, maxTokens: 12 }

beforeAll(async () => {
  const third = join(temp.dir, 'tiny-lora-c.gguf')
  writeTinyLora(third, 7)
  server = await startLlamaServer({ model: tinyModelPath(), loras: [tinyLoraPath('a'), tinyLoraPath('b'), third], parallel: 4 })
})

afterAll(async () => {
  for (const started of proxies) await started.close()
  await server?.stop()
  temp.cleanup()
})

describe('OpenAiEndpointClient on llama-server', () => {
  it('n, seed, stop, max_tokens and usage do what the API says', async () => {
    const client = new OpenAiEndpointClient({ spec: spec() })
    const sampled = { temperature: 1, topP: 1, maxTokens: 16 }

    const three = await client.complete({ model: 'tiny', messages, n: 3, seed: 42, ...sampled })
    expect(three.choices).toHaveLength(3)
    expect(three.promptTokens).toBeGreaterThan(10)
    expect(three.completionTokens).toBeGreaterThan(0)
    expect(three.completionTokens).toBeLessThanOrEqual(3 * 16)

    const once = await client.complete({ model: 'tiny', messages, seed: 42, ...sampled })
    const again = await client.complete({ model: 'tiny', messages, seed: 42, ...sampled })
    const other = await client.complete({ model: 'tiny', messages, seed: 43, ...sampled })
    expect(again.choices[0]!.text).toBe(once.choices[0]!.text)
    expect(other.choices[0]!.text).not.toBe(once.choices[0]!.text)

    // max_tokens: the reply stops at the limit, and usage counts exactly that many.
    const capped = await client.complete({ model: 'tiny', messages, ...greedy, maxTokens: 5 })
    expect(capped.choices[0]!.finishReason).toBe('length')
    expect(capped.completionTokens).toBe(5)

    // stop: cut a greedy reply at a piece of its own text.
    const long = (await client.complete({ model: 'tiny', messages, ...greedy, maxTokens: 24 })).choices[0]!.text
    const stopAt = long.slice(Math.floor(long.length / 2), Math.floor(long.length / 2) + 3)
    expect(stopAt.trim().length).toBeGreaterThan(0)
    const stopped = await client.complete({ model: 'tiny', messages, ...greedy, maxTokens: 24, stop: [stopAt] })
    expect(stopped.choices[0]!.finishReason).toBe('stop')
    expect(long.startsWith(stopped.choices[0]!.text)).toBe(true)
    expect(stopped.choices[0]!.text.length).toBeLessThan(long.length)
    expect(stopped.choices[0]!.text).not.toContain(stopAt)
  })

  it('each role runs on its own LoRA, and the base model stays the base model in between', async () => {
    const client = new OpenAiEndpointClient({ spec: spec() })
    const allAdapters = new EndpointAgents({ client, adapterRoles: new Set<Role>(['generator', 'verifier', 'refiner']) })
    const noAdapters = new EndpointAgents({ client, adapterRoles: new Set<Role>() })
    expect(allAdapters.targetOf('verifier')).toEqual({ model: 'tiny', lora: [{ id: 1, scale: 1 }] })
    expect(noAdapters.targetOf('verifier')).toEqual({ model: 'tiny', lora: [{ id: 0, scale: 0 }] })

    const run = async (agents: EndpointAgents, role: Role) => (await agents.generate({ role, messages, seeds: [1], sampling: greedy }))[0]!.text
    const base = await run(noAdapters, 'generator')
    const byRole = { generator: await run(allAdapters, 'generator'), verifier: await run(allAdapters, 'verifier'), refiner: await run(allAdapters, 'refiner') }
    expect(new Set([base, byRole.generator, byRole.verifier, byRole.refiner]).size).toBe(4)

    // The same requests again, interleaved: every slot switches adapters, and nothing computed under one leaks.
    expect(await run(noAdapters, 'refiner')).toBe(base)
    expect(await run(allAdapters, 'refiner')).toBe(byRole.refiner)
    expect(await run(noAdapters, 'verifier')).toBe(base)
    expect(await run(allAdapters, 'generator')).toBe(byRole.generator)

    // And concurrently: one batch of mixed adapters gives each its own output.
    const mixed = await Promise.all([run(allAdapters, 'verifier'), run(noAdapters, 'generator'), run(allAdapters, 'refiner'), run(allAdapters, 'generator')])
    expect(mixed).toEqual([byRole.verifier, base, byRole.refiner, byRole.generator])
  })

  it('serves a request per seed as the port asks: every sample reported as it completes, counts from usage', async () => {
    const agents = new EndpointAgents({ client: new OpenAiEndpointClient({ spec: spec() }), adapterRoles: new Set<Role>(['verifier']) })
    const done: [number, GeneratedText][] = []
    const results = await agents.generate({
      role: 'verifier',
      messages,
      seeds: [11, 12, 13, 2 ** 40 + 5],
      sampling: { temperature: 0.8, topP: 0.95, maxTokens: 10 },
      onSampleDone: (index, result) => done.push([index, result])
    })
    expect(results).toHaveLength(4)
    expect(done.map(([index]) => index).sort()).toEqual([0, 1, 2, 3])
    for (const [index, result] of done) expect(results[index]).toEqual(result)
    for (const result of results) {
      expect(result.promptTokens).toBeGreaterThan(10)
      expect(result.completionTokens).toBeGreaterThan(0)
      expect(result.completionTokens).toBeLessThanOrEqual(10)
      expect(result.evaluatedPromptTokens).toBeLessThanOrEqual(result.promptTokens)
      expect(['eos', 'maxTokens']).toContain(result.stopReason)
    }
    // Seeds are taken modulo 2^32, as the embedded engine takes them.
    const wrapped = await agents.generate({ role: 'verifier', messages, seeds: [5], sampling: { temperature: 0.8, topP: 0.95, maxTokens: 10 } })
    expect(wrapped[0]!.text).toBe(results[3]!.text)
  })

  it('an aborted request resolves with what it has: samples not back are empty and marked abort', async () => {
    const hanging = await proxy(() => ({ kind: 'hang' }))
    const agents = new EndpointAgents({ client: new OpenAiEndpointClient({ spec: spec({ baseUrl: hanging.baseUrl }) }), adapterRoles: new Set() })
    const controller = new AbortController()
    const pending = agents.generate({ role: 'generator', messages, seeds: [1, 2], sampling: greedy, signal: controller.signal })
    await waitFor(() => hanging.seen.length === 2)
    controller.abort()
    const results = await pending
    expect(results.map((result) => result.stopReason)).toEqual(['abort', 'abort'])
    expect(results.map((result) => result.text)).toEqual(['', ''])
  })
})

describe('faults between the workbench and the server', () => {
  it('retries 503, 429 and dropped connections with backoff, then gets the real answer', async () => {
    const plain = await new OpenAiEndpointClient({ spec: spec() }).complete({ model: 'tiny', messages, ...greedy })
    const faults: Fault[] = [{ kind: 'status', status: 503 }, { kind: 'status', status: 429, retryAfter: '0' }, { kind: 'reset' }]
    const flaky = await proxy((index) => faults[index] ?? { kind: 'pass' })
    const client = new OpenAiEndpointClient({ spec: spec({ baseUrl: flaky.baseUrl, maxRetries: 3 }) })
    const reply = await client.complete({ model: 'tiny', messages, ...greedy })
    expect(reply.choices[0]!.text).toBe(plain.choices[0]!.text)
    expect(flaky.seen).toEqual([
      'POST /v1/chat/completions → 503',
      'POST /v1/chat/completions → 429',
      'POST /v1/chat/completions → reset',
      'POST /v1/chat/completions → 200'
    ])
  })

  it('gives up after the retries with an error that names the endpoint; a 4xx is not retried', async () => {
    const down = await proxy(() => ({ kind: 'status', status: 502 }))
    const client = new OpenAiEndpointClient({ spec: spec({ baseUrl: down.baseUrl, maxRetries: 2 }) })
    const error = await client.complete({ model: 'tiny', messages, ...greedy }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(EndpointUnavailableError)
    expect((error as AppError).code).toBe('unavailable')
    expect((error as Error).message).toContain(`endpoint 'tiny-server' (${down.baseUrl})`)
    expect((error as Error).message).toContain('HTTP 502')
    expect((error as EndpointUnavailableError).attempts).toBe(3)
    expect(down.seen).toHaveLength(3)

    const refusing = await proxy(() => ({ kind: 'status', status: 400, body: JSON.stringify({ error: { message: 'n_probs must be positive' } }) }))
    const refused = await new OpenAiEndpointClient({ spec: spec({ baseUrl: refusing.baseUrl }) }).complete({ model: 'tiny', messages, ...greedy }).catch((caught: unknown) => caught)
    expect(refused).toBeInstanceOf(EndpointRequestError)
    expect((refused as AppError).code).toBe('invalid_input')
    expect((refused as Error).message).toContain('HTTP 400')
    expect((refused as Error).message).toContain('n_probs must be positive')
    expect(refusing.seen).toHaveLength(1)

    // Nothing listening at all.
    const nowhere = await proxy(() => ({ kind: 'pass' }))
    const deadUrl = nowhere.baseUrl
    await nowhere.close()
    const unreachable = await new OpenAiEndpointClient({ spec: spec({ baseUrl: deadUrl, maxRetries: 1 }) }).complete({ model: 'tiny', messages, ...greedy }).catch((caught: unknown) => caught)
    expect(unreachable).toBeInstanceOf(EndpointUnavailableError)
    expect((unreachable as Error).message).toMatch(/ECONNREFUSED/)
  })

  it('times out a server that never answers, retrying each attempt', async () => {
    const silent = await proxy(() => ({ kind: 'hang' }))
    const client = new OpenAiEndpointClient({ spec: spec({ baseUrl: silent.baseUrl, timeoutSeconds: 1, maxRetries: 1 }) })
    const error = await client.complete({ model: 'tiny', messages, ...greedy }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(EndpointUnavailableError)
    expect((error as Error).message).toContain('no answer within 1 s')
    expect(silent.seen).toHaveLength(2)
  })

  it('keeps at most maxInFlight requests open, however many samples are asked for', async () => {
    const counting = await proxy(() => ({ kind: 'pass' }))
    const client = new OpenAiEndpointClient({ spec: spec({ baseUrl: counting.baseUrl, maxInFlight: 2 }) })
    const agents = new EndpointAgents({ client, adapterRoles: new Set() })
    const results = await Promise.all([
      agents.generate({ role: 'generator', messages, seeds: [1, 2, 3, 4], sampling: greedy }),
      agents.generate({ role: 'verifier', messages, seeds: [5, 6, 7], sampling: greedy })
    ])
    expect(results.flat()).toHaveLength(7)
    expect(counting.seen).toHaveLength(7)
    expect(counting.maxConcurrent()).toBe(2)
  })

  it('sends the API key from the named environment variable and never shows it', async () => {
    const keyed = await startLlamaServer({ model: tinyModelPath(), parallel: 1, extraArgs: ['--api-key', 'sesame-0451'] })
    try {
      const withKey = spec({ baseUrl: keyed.baseUrl, apiKeyEnv: 'MALT_TEST_ENDPOINT_KEY', loraStyle: 'served-name', roleAdapters: {} })
      const ok = await new OpenAiEndpointClient({ spec: withKey, env: { MALT_TEST_ENDPOINT_KEY: 'sesame-0451' } }).complete({ model: 'tiny', messages, ...greedy })
      expect(ok.choices).toHaveLength(1)

      const wrong = await new OpenAiEndpointClient({ spec: withKey, env: { MALT_TEST_ENDPOINT_KEY: 'wrong-key-9' } })
        .complete({ model: 'tiny', messages, ...greedy })
        .catch((caught: unknown) => caught)
      expect((wrong as AppError).code).toBe('unauthorized')
      expect((wrong as Error).message).not.toContain('wrong-key-9')

      expect(() => new OpenAiEndpointClient({ spec: withKey, env: {} })).toThrow(/MALT_TEST_ENDPOINT_KEY, which is not set/)
    } finally {
      await keyed.stop()
    }
  })
})

async function waitFor(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
