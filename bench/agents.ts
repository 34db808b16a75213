/**
 * Throughput of the role agents (LlamaAgentRuntime) against bare node-llama-cpp, measured in the same run.
 *
 *   npm run bench -- agents [--model PATH] [--tokens 64] [--sequences 1,3,9] [--threads 1,2] [--reps 3]
 *                           [--gpu false|auto|cuda|…] [--gpu-layers auto|max|N] [--flash-attention] [--batched-bench PATH]
 *
 * For each thread count and each number of sequences N, runs of the same shape (one prompt, N seeds, `--tokens`
 * new tokens each, temperature 0.3, top-p 1, flash attention off, contexts of N sequences):
 * - agents:   LlamaAgentRuntime.generate with N seeds (prompt evaluated once, siblings copy its KV cells), with its
 *             default sampler (top-k 40, as node-llama-cpp's);
 * - agents full vocab: the same with top-k off, sampling from the whole vocabulary;
 * - bare:     N `LlamaContextSequence.evaluate()` loops awaited together (top-k 40), node-llama-cpp batching them;
 * - lockstep: the same loops, but every sequence waits for the others after each token, so each step is one
 *             full batch (the best node-llama-cpp can do; this isolates the agent layer's own overhead).
 * - llama-batched-bench (with `--batched-bench PATH`): llama.cpp's own tool at the same prompt length, tokens and
 *             numbers of sequences, sharing the prompt (its decode-phase tokens/s; the agents' figure includes their
 *             prompt evaluation).
 * The engine flags (GPU, layers, flash attention) are bench/_engineArgs.ts's; by default everything runs on the CPU.
 * Each figure is the best of `--reps` runs (other processes share this machine). The last line is one JSON object.
 */
import { availableParallelism, loadavg } from 'node:os'
import { join } from 'node:path'
import type { LlamaContext, LlamaContextSequence, Token } from 'node-llama-cpp'
import { LlamaAgentRuntime } from '../src/main/adapters/llm/LlamaAgentRuntime'
import { decodeSequences } from './_decodeSequences'
import { describeBackend, parseEngineArgs } from './_engineArgs'
import { runLlamaBatchedBench, type BatchedBenchRow } from './_llamaBatchedBench'
import { LlamaEngine } from '../src/main/adapters/llm/LlamaEngine'
import type { LoadedModel } from '../src/main/adapters/llm/LoadedModel'
import type { ChatMessage } from '../src/main/domain/agents/types'

interface Measurement {
  tokens: number
  ms: number
  tokensPerSecond: number
  /** Mean sequences per llama.cpp decode call during generation. */
  meanBatch: number
}

interface Row {
  threads: number
  sequences: number
  agents: Measurement
  agentsFullVocabulary: Measurement
  bare: Measurement
  lockstep: Measurement
  ratioToBare: number
  ratioToLockstep: number
  ratioFullVocabularyToBare: number
  agentsReproducible: boolean
  evaluatedPromptTokens: number
  promptTokens: number
  /** llama-batched-bench's decode tokens/s at this shape, when it was run. */
  batchedBench: number | null
  ratioToBatchedBench: number | null
}

const messages: ChatMessage[] = [
  { role: 'system', content: 'You are a storyteller who writes long, detailed stories.' },
  { role: 'user', content: 'Tell me a long story about a lighthouse keeper, a storm and a lost ship.' }
]
const temperature = 0.3
const contextSize = 512

export default async function agents(args: string[]): Promise<void> {
  const option = (name: string, fallback: string) => {
    const index = args.indexOf(`--${name}`)
    return index >= 0 && args[index + 1] ? args[index + 1]! : fallback
  }
  const modelPath = option('model', join(import.meta.dirname, '..', '.models', 'SmolLM2-135M-Instruct.Q4_1.gguf'))
  const maxTokens = Number(option('tokens', '64'))
  const sequenceCounts = option('sequences', '1,3,9').split(',').map(Number)
  const threadCounts = option('threads', '1,2').split(',').map(Number)
  const reps = Number(option('reps', '3'))
  const engineArgs = parseEngineArgs(args)
  const flashAttention = engineArgs.flashAttention

  console.log(`agents benchmark: ${modelPath}`)
  console.log(`${availableParallelism()} cores, load average ${loadavg().map((each) => each.toFixed(2)).join(' ')}; ${maxTokens} tokens per sample, best of ${reps}`)

  const rows: Row[] = []
  let backend = ''
  for (const threads of threadCounts) {
    const engine = await LlamaEngine.create({ gpu: engineArgs.gpu, maxThreads: threads })
    const model = await engine.loadModel({ modelPath, gpuLayers: engineArgs.gpuLayers })
    backend = describeBackend(engine.backend, model, flashAttention)
    console.log(`  threads ${threads}: ${backend}`)
    const gpuLayers = model.model.gpuLayers
    const threadRows: Row[] = []
    const prompt = model.renderPrompt(messages).tokens
    for (const sequences of sequenceCounts) {
      const seeds = Array.from({ length: sequences }, (_, index) => 1000 + index)

      const measureAgents = async (topK: number) => {
        const runtime = await LlamaAgentRuntime.create({ model, sequencesPerRole: sequences, shareContexts: false, contextSize, topK, flashAttention })
        const run = async () => {
          const before = runtime.contextInfo('generator').stats
          const startedAt = performance.now()
          const results = await runtime.generate({ role: 'generator', messages, seeds, sampling: { temperature, topP: 1, maxTokens } })
          const ms = performance.now() - startedAt
          const after = runtime.contextInfo('generator').stats
          const tokens = results.reduce((sum, result) => sum + result.completionTokens, 0)
          const measurement: Measurement = {
            tokens,
            ms,
            tokensPerSecond: (tokens / ms) * 1000,
            meanBatch: (after.sequenceSteps - before.sequenceSteps) / (after.steps - before.steps)
          }
          return { measurement, texts: results.map((result) => result.text) }
        }
        await run() // warm-up
        const runs = []
        for (let rep = 0; rep < reps; rep++) runs.push(await run())
        await runtime.dispose()
        return runs
      }
      const agentRuns = await measureAgents(40)
      const fullVocabularyRuns = await measureAgents(0)
      // A fresh runtime: its first run evaluates the prompt from scratch; texts must not change.
      const fresh = await LlamaAgentRuntime.create({ model, sequencesPerRole: sequences, shareContexts: false, contextSize, flashAttention })
      const freshTexts = (await fresh.generate({ role: 'generator', messages, seeds, sampling: { temperature, topP: 1, maxTokens } })).map(
        (result) => result.text
      )
      const coldEvaluated = fresh.contextInfo('generator').stats.evaluatedPromptTokens
      await fresh.dispose()

      const bare = await bareContext(model, sequences, flashAttention)
      await runBare(bare, prompt, seeds, maxTokens, false) // warm-up
      const bareRuns = []
      for (let rep = 0; rep < reps; rep++) bareRuns.push(await runBare(bare, prompt, seeds, maxTokens, false))
      const lockstepRuns = []
      for (let rep = 0; rep < reps; rep++) lockstepRuns.push(await runBare(bare, prompt, seeds, maxTokens, true))
      await bare.context.dispose()

      const best = (runs: Measurement[]) => runs.reduce((a, b) => (b.tokensPerSecond > a.tokensPerSecond ? b : a))
      const agentsBest = best(agentRuns.map((run) => run.measurement))
      const fullVocabularyBest = best(fullVocabularyRuns.map((run) => run.measurement))
      const bareBest = best(bareRuns)
      const lockstepBest = best(lockstepRuns)
      const reference = agentRuns[0]!.texts
      threadRows.push({
        threads,
        sequences,
        agents: agentsBest,
        agentsFullVocabulary: fullVocabularyBest,
        bare: bareBest,
        lockstep: lockstepBest,
        ratioToBare: agentsBest.tokensPerSecond / bareBest.tokensPerSecond,
        ratioToLockstep: agentsBest.tokensPerSecond / lockstepBest.tokensPerSecond,
        ratioFullVocabularyToBare: fullVocabularyBest.tokensPerSecond / bareBest.tokensPerSecond,
        agentsReproducible: agentRuns.every((run) => run.texts.join('\u0000') === reference.join('\u0000')) && freshTexts.join('\u0000') === reference.join('\u0000'),
        evaluatedPromptTokens: coldEvaluated,
        promptTokens: prompt.length * sequences,
        batchedBench: null,
        ratioToBatchedBench: null
      })
      const row = threadRows[threadRows.length - 1]!
      console.log(
        `  threads ${threads}, ${sequences} seq: agents ${row.agents.tokensPerSecond.toFixed(1)} tok/s, ` +
          `full vocab ${row.agentsFullVocabulary.tokensPerSecond.toFixed(1)}, bare ${row.bare.tokensPerSecond.toFixed(1)}, ` +
          `lockstep ${row.lockstep.tokensPerSecond.toFixed(1)}`
      )
    }
    await engine.dispose()

    if (engineArgs.batchedBench) {
      // After the engine is gone, so the two never share the device.
      const reference: BatchedBenchRow[] = await runLlamaBatchedBench({
        binary: engineArgs.batchedBench,
        modelPath,
        promptTokens: prompt.length,
        generatedTokens: maxTokens,
        sequences: sequenceCounts,
        gpuLayers,
        flashAttention,
        threads,
        sharedPrompt: true
      })
      for (const row of threadRows) {
        const match = reference.find((each) => each.sequences === row.sequences)!
        row.batchedBench = match.generationTokensPerSecond
        row.ratioToBatchedBench = row.agents.tokensPerSecond / match.generationTokensPerSecond
        console.log(`  threads ${threads}, ${row.sequences} seq: llama-batched-bench ${match.generationTokensPerSecond.toFixed(1)} tok/s (decode phase)`)
      }
    }
    rows.push(...threadRows)
  }

  console.log('')
  console.log(`backend: ${backend}`)
  const withReference = engineArgs.batchedBench !== null
  const header = ['threads', 'seqs', 'agents', 'bare', 'lockstep', 'agents/bare', 'agents/lockstep', 'full vocab', 'full/bare', 'batch agents/bare', 'prompt evaluated', 'reproducible']
  const widths = [7, 5, 8, 8, 8, 11, 15, 10, 9, 17, 16, 12]
  if (withReference) {
    header.push('batched-bench', 'agents/batched-bench')
    widths.push(13, 20)
  }
  console.log('tokens per second (generated tokens / wall time, prompt included), best of each:')
  console.log(header.map((title, index) => title.padStart(widths[index]!)).join('  '))
  for (const row of rows) {
    const cells = [
      String(row.threads),
      String(row.sequences),
      row.agents.tokensPerSecond.toFixed(1),
      row.bare.tokensPerSecond.toFixed(1),
      row.lockstep.tokensPerSecond.toFixed(1),
      row.ratioToBare.toFixed(2),
      row.ratioToLockstep.toFixed(2),
      row.agentsFullVocabulary.tokensPerSecond.toFixed(1),
      row.ratioFullVocabularyToBare.toFixed(2),
      `${row.agents.meanBatch.toFixed(2)} / ${row.bare.meanBatch.toFixed(2)}`,
      `${row.evaluatedPromptTokens} of ${row.promptTokens}`,
      row.agentsReproducible ? 'yes' : 'NO',
      ...(withReference ? [row.batchedBench!.toFixed(1), row.ratioToBatchedBench!.toFixed(2)] : [])
    ]
    console.log(cells.map((cell, index) => cell.padStart(widths[index]!)).join('  '))
  }
  console.log(JSON.stringify({ benchmark: 'agents', model: modelPath, backend, flashAttention, maxTokens, temperature, reps, loadAverage: loadavg(), rows }))
}

interface BareContext {
  context: LlamaContext
  sequences: LlamaContextSequence[]
  /** Sizes of the decode calls since the last reset (one entry per llama.cpp batch). */
  batches: number[]
}

/** A plain node-llama-cpp context, its decode calls counted by wrapping its native context object. */
async function bareContext(model: LoadedModel, sequenceCount: number, flashAttention: boolean): Promise<BareContext> {
  const context = await model.model.createContext({ sequences: sequenceCount, contextSize, flashAttention })
  const batches: number[] = []
  const internal = context as unknown as { _ctx: Record<string | symbol, unknown> }
  const native = internal._ctx
  internal._ctx = new Proxy(native, {
    get(target, property) {
      const value = target[property]
      if (property === 'initBatch') {
        return (size: number) => {
          batches.push(size)
          return (value as (size: number) => unknown).call(target, size)
        }
      }
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
    }
  })
  const sequences = Array.from({ length: sequenceCount }, () => context.getSequence())
  return { context, sequences, batches }
}

async function runBare(bare: BareContext, prompt: Token[], seeds: number[], maxTokens: number, lockstep: boolean): Promise<Measurement> {
  for (const sequence of bare.sequences) await sequence.clearHistory()
  bare.batches.length = 0
  const startedAt = performance.now()
  const counts = await decodeSequences(bare.sequences, {
    maxTokens,
    lockstep,
    inputOf: () => prompt,
    samplingOf: (index) => ({ temperature, topP: 1, seed: seeds[index]! })
  })
  const ms = performance.now() - startedAt
  const tokens = counts.reduce((sum, count) => sum + count, 0)
  // The first decode is the prompt prefill of every sequence; the rest are generation steps.
  const steps = bare.batches.slice(1)
  const meanBatch = steps.length > 0 ? steps.reduce((sum, size) => sum + size, 0) / steps.length : 0
  return { tokens, ms, tokensPerSecond: (tokens / ms) * 1000, meanBatch }
}
