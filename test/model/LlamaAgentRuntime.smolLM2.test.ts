import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChatMessage } from '../../src/main/domain/agents/types'
import { LlamaAgentRuntime } from '../../src/main/adapters/llm/LlamaAgentRuntime'
import { LlamaEngine } from '../../src/main/adapters/llm/LlamaEngine'
import type { LoadedModel } from '../../src/main/adapters/llm/LoadedModel'
import { requireModelFile, testModels } from './support/testModels'

/** The role agents on a real instruction model: answers make sense and prompts are exactly ChatML. */

let engine: LlamaEngine
let model: LoadedModel
let runtime: LlamaAgentRuntime

beforeAll(async () => {
  requireModelFile(testModels.smolLM2)
  engine = await LlamaEngine.create({ gpu: false, maxThreads: 1 })
  model = await engine.loadModel({ modelPath: testModels.smolLM2 })
  runtime = await LlamaAgentRuntime.create({ model, sequencesPerRole: 3, contextSize: 1024 })
})

afterAll(async () => {
  await runtime?.dispose()
  await engine?.dispose()
})

const question: ChatMessage[] = [
  { role: 'system', content: 'You are a helpful math assistant. Answer briefly.' },
  { role: 'user', content: 'What is 2+3?' }
]

describe('LlamaAgentRuntime on SmolLM2-135M-Instruct', () => {
  it('renders the ChatML prompt that transformers renders from the GGUF template, with no extra system prompt', () => {
    const rendered = runtime.renderPrompt(question)
    expect(rendered.text).toBe(
      '<|im_start|>system\nYou are a helpful math assistant. Answer briefly.<|im_end|>\n' +
        '<|im_start|>user\nWhat is 2+3?<|im_end|>\n' +
        '<|im_start|>assistant\n'
    )
    // Tokenizing the text as one string (special tokens parsed, as the Python runner does) gives the same count,
    // and no BOS is prepended: SmolLM2's BOS is <|im_start|>, and add_bos_token is false.
    expect(rendered.tokenCount).toBe(model.model.tokenize(rendered.text, true).length)
    expect(model.renderPrompt(question).tokens).toEqual(model.model.tokenize(rendered.text, true))

    // Without a system message none is invented (the GGUF template would add "You are a helpful AI assistant
    // named SmolLM, trained by Hugging Face").
    expect(runtime.renderPrompt([{ role: 'user', content: 'Hi' }]).text).toBe('<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n')
  })

  it('answers "What is 2+3?" with 5', async () => {
    const [greedy] = await runtime.generate({
      role: 'generator',
      messages: question,
      seeds: [1],
      sampling: { temperature: 0, topP: 1, maxTokens: 48 }
    })
    expect(greedy!.text).toMatch(/\b5\b/)
    expect(greedy!.stopReason).toBe('eos')
  })

  it('gives the same texts for the same seeds, whatever the prefix cache holds and whatever runs alongside', async () => {
    // On SmolLM2 a token's logits differ by up to 0.6 between a one-token step and a multi-token chunk, so any
    // path-dependence would show here at temperature 0.8.
    const sampled = (messages: ChatMessage[], seeds: number[]) => ({
      role: 'generator' as const,
      messages,
      seeds,
      sampling: { temperature: 0.8, topP: 1, maxTokens: 32 }
    })
    const tutor = { role: 'system' as const, content: 'You are a careful math tutor. Explain each step.' }
    const natalia: ChatMessage[] = [tutor, { role: 'user', content: 'Natalia sold 48 clips in April and half as many in May. How many in all?' }]
    const weng: ChatMessage[] = [tutor, { role: 'user', content: 'Weng earns $12 an hour. How much does she earn for 50 minutes?' }]

    const fresh = await LlamaAgentRuntime.create({ model, sequencesPerRole: 3, contextSize: 1024, shareContexts: false })
    try {
      const cold = await fresh.generate(sampled(natalia, [5, 6, 7]))
      expect(new Set(cold.map((result) => result.text)).size).toBe(3)
      // The whole prompt cached: only its last token is evaluated again.
      const again = await fresh.generate(sampled(natalia, [5, 6, 7]))
      expect(again[0]!.evaluatedPromptTokens).toBe(1)
      expect(again.map((result) => result.text)).toEqual(cold.map((result) => result.text))
      // Another question under the same system prompt first: its prefix is then copied, not evaluated.
      await runtime.generate(sampled(weng, [1]))
      const [warm] = await Promise.all([runtime.generate(sampled(natalia, [5, 6, 7])), runtime.generate(sampled(weng, [8, 9]))])
      expect(warm!.map((result) => result.text)).toEqual(cold.map((result) => result.text))
      expect(warm![0]!.evaluatedPromptTokens).toBeLessThan(cold[0]!.evaluatedPromptTokens)
    } finally {
      await fresh.dispose()
    }
  })

  it('describes the model', () => {
    expect(model.describe()).toMatchObject({
      architecture: 'llama',
      quantization: 'MOSTLY_Q4_1',
      contextLength: 8192,
      layerCount: 30,
      embeddingLength: 576,
      chatTemplate: { present: true, wrapper: 'ChatML' }
    })
    expect(model.describe().parameterCount).toBeGreaterThan(130e6)
    expect(model.describe().parameterCount).toBeLessThan(140e6)
  })
})
