import type { Role } from '@shared/roles'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '@shared/errors'
import type { ChatMessage, GeneratedText, GenerationRequest } from '../../src/main/domain/agents/types'
import { BatchedContext } from '../../src/main/adapters/llm/BatchedContext'
import { LlamaAgentRuntime, type LlamaAgentRuntimeOptions } from '../../src/main/adapters/llm/LlamaAgentRuntime'
import { LlamaEngine } from '../../src/main/adapters/llm/LlamaEngine'
import type { LoadedModel } from '../../src/main/adapters/llm/LoadedModel'
import { makeTempDir } from '../support/paths'
import { requireModelFile, testModels } from './support/testModels'
import { writeGgufFile } from './support/writeGgufFile'

/**
 * The role agents on the tiny random model: its text is noise, but it is a real llama through real llama.cpp, so
 * batching, prefix sharing, LoRA, seeds, streaming and abort are all exercised for real, in milliseconds.
 */

let engine: LlamaEngine
let model: LoadedModel
const runtimes: LlamaAgentRuntime[] = []
const temp = makeTempDir('malt-agents-')

beforeAll(async () => {
  for (const path of Object.values(testModels)) if (path !== testModels.smolLM2) requireModelFile(path)
  engine = await LlamaEngine.create({ gpu: false, maxThreads: 1 })
  model = await engine.loadModel({ modelPath: testModels.tiny })
})

afterAll(async () => {
  for (const runtime of runtimes) await runtime.dispose()
  await engine?.dispose()
  temp.cleanup()
})

async function runtimeWith(options: Partial<LlamaAgentRuntimeOptions> = {}): Promise<LlamaAgentRuntime> {
  const runtime = await LlamaAgentRuntime.create({ model, sequencesPerRole: 3, contextSize: 512, ...options })
  runtimes.push(runtime)
  return runtime
}

const messages: ChatMessage[] = [
  { role: 'system', content: 'You are a careful math tutor. Think step by step and end with the answer.' },
  { role: 'user', content: 'Natalia sold clips to 48 of her friends in April, and then half as many in May. How many in all?' }
]

function request(overrides: Partial<GenerationRequest> = {}): GenerationRequest {
  return {
    role: 'generator',
    messages,
    seeds: [11, 12, 13],
    sampling: { temperature: 0.8, topP: 1, maxTokens: 24 },
    ...overrides
  }
}

const texts = (results: GeneratedText[]) => results.map((result) => result.text)

describe('LlamaAgentRuntime on the tiny model', () => {
  it('returns one sample per seed, generated concurrently in shared batches', async () => {
    const runtime = await runtimeWith()
    const results = await runtime.generate(request({ seeds: [1, 2, 3, 4, 5] }))
    expect(results).toHaveLength(5)
    const promptTokens = runtime.renderPrompt(messages).tokenCount
    for (const result of results) {
      expect(result.promptTokens).toBe(promptTokens)
      expect(result.completionTokens).toBeGreaterThan(0)
      expect(result.completionTokens).toBeLessThanOrEqual(24)
      expect(result.text.length).toBeGreaterThan(0)
      expect(['eos', 'maxTokens', 'stopTrigger']).toContain(result.stopReason)
    }
    // All three roles share the base context: 9 sequences. Five samples ran side by side, so steps carried
    // several sequences each.
    const { stats, sequences } = runtime.contextInfo('generator')
    expect(sequences).toBe(9)
    expect(stats.sequenceSteps / stats.steps).toBeGreaterThan(3)
  })

  it('queues requests fairly when every sequence is busy, and finishes them all', async () => {
    const runtime = await runtimeWith({ shareContexts: false })
    const requests = Array.from({ length: 5 }, (_, index) =>
      request({ seeds: [100 + index, 200 + index], messages: [...messages.slice(0, 1), { role: 'user', content: `Question number ${index}: what is ${index} + ${index}?` }] })
    )
    const done: number[] = []
    const all = await Promise.all(requests.map((each, index) => runtime.generate(each).then((results) => (done.push(index), results))))
    expect(all.map((results) => results.length)).toEqual([2, 2, 2, 2, 2])
    // Three sequences, ten samples: the first request started first and, with equal lengths, finished first.
    expect(done[0]).toBe(0)
    // Each request equals the same request run alone.
    const alone = await (await runtimeWith({ shareContexts: false })).generate(requests[3]!)
    expect(texts(all[3]!)).toEqual(texts(alone))
  })

  it('is reproducible: the same seeds give the same texts, alone, in company, from a cold or warm cache', async () => {
    const runtime = await runtimeWith()
    const first = await runtime.generate(request())
    const again = await runtime.generate(request())
    expect(texts(again)).toEqual(texts(first))
    // The second run reused the cached prompt: only the last prompt token was evaluated again.
    expect(again[0]!.evaluatedPromptTokens).toBe(1)

    const [inCompany] = await Promise.all([
      runtime.generate(request()),
      runtime.generate(request({ seeds: [7, 8], messages: [{ role: 'user', content: 'Something else entirely, to share the batch.' }] })),
      runtime.generate(request({ role: 'verifier', seeds: [9] }))
    ])
    expect(texts(inCompany)).toEqual(texts(first))

    const cold = await (await runtimeWith({ sequencesPerRole: 5 })).generate(request())
    expect(texts(cold)).toEqual(texts(first))
  })

  it('gives different texts for different seeds at a temperature above 0, and one text at temperature 0', async () => {
    const runtime = await runtimeWith()
    const sampled = await runtime.generate(request({ seeds: [1, 2, 3] }))
    expect(new Set(texts(sampled)).size).toBeGreaterThan(1)
    const greedy = await runtime.generate(request({ seeds: [1, 2, 3], sampling: { temperature: 0, topP: 1, maxTokens: 24 } }))
    expect(new Set(texts(greedy)).size).toBe(1)
  })

  it('evaluates a prompt once: siblings evaluate no prompt token, later requests reuse the longest cached prefix', async () => {
    const runtime = await runtimeWith()
    const first = await runtime.generate(request({ seeds: [1, 2, 3] }))
    const promptTokens = first[0]!.promptTokens
    expect(first.map((result) => result.evaluatedPromptTokens)).toEqual([promptTokens, 0, 0])

    // A new question under the same system prompt: only the tokens after the shared prefix are evaluated.
    const other: ChatMessage[] = [messages[0]!, { role: 'user', content: 'Weng earns $12 an hour for babysitting. How much for 50 minutes?' }]
    const shared = commonPrefix(model.renderPrompt(messages).tokens, model.renderPrompt(other).tokens)
    expect(shared).toBeGreaterThan(10)
    const second = await runtime.generate(request({ messages: other, seeds: [4, 5] }))
    expect(second.map((result) => result.evaluatedPromptTokens)).toEqual([second[0]!.promptTokens - shared, 0])

    const { stats } = runtime.contextInfo('generator')
    expect(stats.evaluatedPromptTokens).toBe(promptTokens + second[0]!.promptTokens - shared)
    expect(stats.copyFallbacks).toBe(0)
  })

  it('evaluates a prefix shared by requests arriving together once, and their texts are as they would be alone', async () => {
    const other: ChatMessage[] = [messages[0]!, { role: 'user', content: 'Weng earns $12 an hour for babysitting. How much for 50 minutes?' }]
    const shared = commonPrefix(model.renderPrompt(messages).tokens, model.renderPrompt(other).tokens)
    const alone = await runtimeWith()
    const aloneTexts = [texts(await alone.generate(request({ seeds: [1, 2] }))), texts(await alone.generate(request({ messages: other, seeds: [3, 4] })))]

    const runtime = await runtimeWith()
    const together = await Promise.all([runtime.generate(request({ seeds: [1, 2] })), runtime.generate(request({ messages: other, seeds: [3, 4] }))])
    expect(together.map(texts)).toEqual(aloneTexts)
    // The second waited one step for the first's prefill and copied the system prompt from it.
    expect(together[1]![0]!.evaluatedPromptTokens).toBe(together[1]![0]!.promptTokens - shared)
    expect(runtime.contextInfo('generator').stats.evaluatedPromptTokens).toBe(together[0]![0]!.promptTokens + together[1]![0]!.promptTokens - shared)
  })

  it('streams each sample through onDelta, and reports each sample as soon as it is done', async () => {
    const runtime = await runtimeWith()
    const streamed = ['', '', '']
    const deltaCounts = [0, 0, 0]
    const doneOrder: number[] = []
    const results = await runtime.generate(
      request({
        seeds: [21, 22, 23],
        onDelta: (index, delta) => {
          expect(doneOrder).not.toContain(index)
          streamed[index] += delta
          deltaCounts[index]!++
        },
        onSampleDone: (index, result) => {
          expect(result.text).toBe(streamed[index])
          doneOrder.push(index)
        }
      })
    )
    expect(streamed).toEqual(texts(results))
    expect(new Set(streamed).size).toBe(3)
    for (const count of deltaCounts) expect(count).toBeGreaterThan(3)
    expect([...doneOrder].sort()).toEqual([0, 1, 2])
  })

  it('aborts: a running request resolves with partial texts and frees its sequences', async () => {
    const runtime = await runtimeWith()
    const controller = new AbortController()
    let deltas = 0
    const results = await runtime.generate(
      request({
        seeds: [31, 32, 33],
        sampling: { temperature: 0.8, topP: 1, maxTokens: 400 },
        signal: controller.signal,
        onDelta: () => {
          if (++deltas === 12) controller.abort()
        }
      })
    )
    expect(results.map((result) => result.stopReason)).toEqual(['abort', 'abort', 'abort'])
    for (const result of results) expect(result.completionTokens).toBeLessThan(20)
    // The sequences are free again: a full request still completes on them.
    const after = await runtime.generate(request({ role: 'refiner' }))
    expect(after.map((result) => result.stopReason)).not.toContain('abort')
  })

  it('aborts a queued request at once, and a request whose signal was already aborted', async () => {
    const runtime = await runtimeWith({ shareContexts: false, sequencesPerRole: 1 })
    const busy = runtime.generate(request({ seeds: [1], sampling: { temperature: 0.8, topP: 1, maxTokens: 200 } }))
    const controller = new AbortController()
    const queued = runtime.generate(request({ seeds: [2, 3], signal: controller.signal }))
    controller.abort()
    const queuedResults = await queued
    expect(queuedResults.map((result) => [result.stopReason, result.completionTokens])).toEqual([
      ['abort', 0],
      ['abort', 0]
    ])
    const early = await runtime.generate(request({ signal: AbortSignal.abort() }))
    expect(early.map((result) => result.stopReason)).toEqual(['abort', 'abort', 'abort'])
    expect((await busy)[0]!.stopReason).not.toBe('abort')
  })

  it('applies a LoRA per role: it changes the output, scale 0 equals the base', async () => {
    const base = await runtimeWith()
    const greedy = request({ seeds: [1], sampling: { temperature: 0, topP: 1, maxTokens: 24 } })
    const baseText = texts(await base.generate(greedy))
    const withA = await runtimeWith({ adapters: { generator: { filePath: testModels.tinyLoraA } } })
    expect(texts(await withA.generate(greedy))).not.toEqual(baseText)
    expect(texts(await withA.generate({ ...greedy, role: 'verifier' }))).toEqual(baseText)
    const scaleZero = await runtimeWith({ adapters: { generator: { filePath: testModels.tinyLoraA, scale: 0 } } })
    expect(texts(await scaleZero.generate(greedy))).toEqual(baseText)
  })

  it('runs roles with different adapters concurrently, each as it would alone', async () => {
    const adapters: Record<Role, string | null> = { generator: testModels.tinyLoraA, verifier: testModels.tinyLoraB, refiner: null }
    const isolated: Record<string, string[]> = {}
    for (const role of ['generator', 'verifier', 'refiner'] as const) {
      const adapter = adapters[role]
      const alone = await runtimeWith({ adapters: adapter ? { [role]: { filePath: adapter } } : {} })
      isolated[role] = texts(await alone.generate(request({ role })))
    }
    expect(new Set(Object.values(isolated).map((each) => each.join('|'))).size).toBe(3)

    const runtime = await runtimeWith({
      adapters: { generator: { filePath: testModels.tinyLoraA }, verifier: { filePath: testModels.tinyLoraB } }
    })
    const ids = new Set((['generator', 'verifier', 'refiner'] as const).map((role) => runtime.contextInfo(role).contextId))
    expect(ids.size).toBe(3)
    const together = await Promise.all((['generator', 'verifier', 'refiner'] as const).map((role) => runtime.generate(request({ role }))))
    expect(together.map(texts)).toEqual([isolated.generator, isolated.verifier, isolated.refiner])
  })

  it('setting a role adapter recreates only that role context', async () => {
    const runtime = await runtimeWith()
    const before = Object.fromEntries((['generator', 'verifier', 'refiner'] as const).map((role) => [role, runtime.contextInfo(role).contextId]))
    expect(new Set(Object.values(before)).size).toBe(1)
    const baseText = texts(await runtime.generate(request({ role: 'verifier' })))

    await runtime.setAdapter('verifier', { filePath: testModels.tinyLoraB })
    expect(runtime.contextInfo('verifier').contextId).not.toBe(before.verifier)
    expect(runtime.contextInfo('generator').contextId).toBe(before.generator)
    expect(runtime.contextInfo('refiner').contextId).toBe(before.refiner)
    expect(runtime.adapterOf('verifier')).toEqual({ filePath: testModels.tinyLoraB, scale: 1 })
    expect(texts(await runtime.generate(request({ role: 'verifier' })))).not.toEqual(baseText)

    // Back to the base model: the verifier rejoins the base context, and gives the base text again.
    await runtime.setAdapter('verifier', null)
    expect(runtime.contextInfo('verifier').contextId).toBe(before.generator)
    expect(texts(await runtime.generate(request({ role: 'verifier' })))).toEqual(baseText)
  })

  it('refuses a LoRA made for another architecture, naming the file', async () => {
    const runtime = await runtimeWith()
    const error = await runtime.setAdapter('refiner', { filePath: testModels.tinyLoraForeign }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).code).toBe('adapter_mismatch')
    expect((error as AppError).message).toContain(testModels.tinyLoraForeign)
    expect((error as AppError).message).toContain("'qwen2'")
    // The refiner keeps working on the base model.
    expect(runtime.adapterOf('refiner')).toBeNull()
    expect(await runtime.generate(request({ role: 'refiner', seeds: [1] }))).toHaveLength(1)

    await expect(runtimeWith({ adapters: { verifier: { filePath: testModels.tinyLoraForeign } } })).rejects.toMatchObject({
      code: 'adapter_mismatch'
    })
  })

  it('refuses a LoRA whose tensor shapes do not fit the model, in our check and in llama.cpp', async () => {
    // A llama LoRA for a model of width 32: the tiny model's attn_q is [64, 64].
    const path = join(temp.dir, 'narrow-lora.gguf')
    writeGgufFile(path, { 'general.architecture': 'llama', 'general.type': 'adapter', 'adapter.type': 'lora', 'adapter.lora.alpha': { f32: 8 } }, [
      { name: 'blk.0.attn_q.weight.lora_a', dims: [32, 4] },
      { name: 'blk.0.attn_q.weight.lora_b', dims: [4, 32] }
    ])
    const runtime = await runtimeWith()
    const error = (await runtime.setAdapter('generator', { filePath: path }).catch((caught: unknown) => caught)) as AppError
    expect(error).toBeInstanceOf(AppError)
    expect(error.code).toBe('adapter_mismatch')
    expect(error.message).toContain(path)
    expect(error.message).toContain('blk.0.attn_q.weight')

    // Past our check, llama.cpp refuses it too, and that is reported the same way.
    const direct = BatchedContext.create({
      model,
      sequences: 1,
      contextSize: 256,
      batchSize: 256,
      flashAttention: false,
      adapters: [{ filePath: path }],
      topK: 0,
      minCopyTokens: 8
    })
    await expect(direct).rejects.toMatchObject({ code: 'adapter_mismatch' })
  })

  it('lets requests running on a role context finish when the role switches adapters', async () => {
    const runtime = await runtimeWith()
    const expected = texts(await (await runtimeWith()).generate(request({ role: 'refiner', sampling: { temperature: 0.8, topP: 1, maxTokens: 60 } })))
    const running = runtime.generate(request({ role: 'refiner', sampling: { temperature: 0.8, topP: 1, maxTokens: 60 } }))
    await runtime.setAdapter('refiner', { filePath: testModels.tinyLoraA })
    expect(texts(await running)).toEqual(expected)
  })

  it('ends running and queued requests as aborted when disposed', async () => {
    const runtime = await LlamaAgentRuntime.create({ model, sequencesPerRole: 1, contextSize: 512, shareContexts: false })
    let started!: () => void
    const firstDelta = new Promise<void>((resolve) => (started = resolve))
    const running = runtime.generate(request({ seeds: [1], sampling: { temperature: 0.8, topP: 1, maxTokens: 400 }, onDelta: () => started() }))
    const queued = runtime.generate(request({ seeds: [2] }))
    await firstDelta
    await runtime.dispose()
    expect((await running)[0]!.stopReason).toBe('abort')
    expect((await queued)[0]).toMatchObject({ stopReason: 'abort', completionTokens: 0 })
    await expect(runtime.generate(request())).rejects.toMatchObject({ code: 'unavailable' })
  })

  it('rejects a prompt that does not fit a sequence', async () => {
    const runtime = await runtimeWith({ contextSize: 256 })
    const { contextSize } = runtime.contextInfo('generator')
    const long: ChatMessage[] = [{ role: 'user', content: 'count: ' + Array.from({ length: contextSize }, (_, i) => String(i)).join(' ') }]
    expect(runtime.renderPrompt(long).tokenCount).toBeGreaterThan(contextSize)
    await expect(runtime.generate(request({ messages: long }))).rejects.toMatchObject({ code: 'invalid_input' })
  })
})

function commonPrefix(a: readonly number[], b: readonly number[]): number {
  let length = 0
  while (length < a.length && length < b.length && a[length] === b[length]) length++
  return length
}
