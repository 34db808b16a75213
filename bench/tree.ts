/**
 * Tree-search throughput: the same small MALT tree three ways, on the same model, in one run.
 *
 *   npm run bench -- tree [--model PATH] [--questions 2] [--branching 3] [--max-tokens 64] [--threads 1]
 *                         [--sequences 9] [--context 1024] [--seed 0] [--skip-naive] [--data GSM8K_TRAIN_JSONL]
 *                         [--gpu false|auto|cuda|…] [--gpu-layers auto|max|N] [--flash-attention] [--batched-bench PATH]
 *                         [--engine endpoint:NAME [--db FILE] [--endpoint-sequences N]]
 *
 * - tree:    the workbench's own path: Workbench → TreeSearchService → expandQuestionTree → LlamaAgentRuntime, every
 *            node stored in SQLite as it completes, all questions expanded at once (one shared base-model context
 *            of `--sequences` per role, so 3× that many sequences).
 * - naive:   the same algorithm and prompts, but each completion alone: one sequence, its history cleared before
 *            every prompt (no prefix reuse), one node-llama-cpp LlamaCompletion at a time.
 * - ceiling: bare node-llama-cpp: as many sequences as the tree's context, each holding a prompt of the tree's mean
 *            prompt length (prefilled before the clock starts), decoding in lockstep (one full batch per step)
 *            until together they have generated as many tokens as the tree did.
 * - llama-batched-bench (with `--batched-bench PATH`): llama.cpp's own tool, no JavaScript, at the ceiling's shape
 *            (as many sequences, the mean prompt length, the same tokens per sequence); issue #14's reference on a GPU.
 * The engine flags (GPU, layers, flash attention) are bench/_engineArgs.ts's; by default everything runs on the CPU.
 *
 * - endpoint (with `--engine endpoint:NAME`): the same tree (questions, seed, n, sampling) through the registered
 *            OpenAI-compatible server (bench/_endpointTree.ts), and both engines set against llama.cpp's
 *            llama-batched-bench on `--model` at each engine's number of sequences (decode phase, `S_TG t/s`).
 *
 * tokens/s = generated tokens / wall time; tree and naive include their prompt evaluation, the ceiling and
 * llama-batched-bench (its decode phase, `S_TG t/s`) do not.
 * `unique_prefix_tokens` is the size of the token trie of every distinct prompt in the tree: the fewest prompt
 * tokens any schedule must evaluate. The last line printed is one JSON object.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { LlamaCompletion, type LlamaContextSequence, type Token } from 'node-llama-cpp'
import { LlamaAgentRuntime } from '../src/main/adapters/llm/LlamaAgentRuntime'
import { decodeSequences } from './_decodeSequences'
import { endpointTree, type EndpointTreeResult } from './_endpointTree'
import { llamaBinary } from './_llamaBinary'
import { describeBackend, parseEngineArgs } from './_engineArgs'
import { runLlamaBatchedBench } from './_llamaBatchedBench'
import { LlamaEngine } from '../src/main/adapters/llm/LlamaEngine'
import type { LoadedModel } from '../src/main/adapters/llm/LoadedModel'
import { SqliteRunRepository } from '../src/main/adapters/db/SqliteRunRepository'
import { Workbench } from '../src/main/app/Workbench'
import type { ChatMessage, GeneratedText, GenerationRequest, LanguageModelPort } from '../src/main/domain/agents/types'
import { gradeOutput } from '../src/main/domain/grading/gradeAnswer'
import { expandQuestionTree, type SearchQuestion } from '../src/main/domain/search/expandQuestionTree'
import { nodesPerQuestion } from '../src/main/domain/search/treeShape'

const temperature = 0.3
const topK = 40

interface Timed {
  generatedTokens: number
  ms: number
  tokensPerSecond: number
}

export default async function tree(args: string[]): Promise<void> {
  const option = (name: string, fallback: string) => {
    const index = args.indexOf(`--${name}`)
    return index >= 0 && args[index + 1] ? args[index + 1]! : fallback
  }
  const modelPath = option('model', join(import.meta.dirname, '..', '.models', 'SmolLM2-135M-Instruct.Q4_1.gguf'))
  const questionCount = Number(option('questions', '2'))
  const branching = Number(option('branching', '3'))
  const maxTokens = Number(option('max-tokens', '64'))
  const threads = Number(option('threads', '1'))
  const sequencesPerRole = Number(option('sequences', '9'))
  const contextSize = Number(option('context', '1024'))
  const seed = Number(option('seed', '0'))
  const skipNaive = args.includes('--skip-naive')
  const endpointEngine = args.includes('--engine') ? option('engine', '') : null
  const endpointSequences = args.includes('--endpoint-sequences') ? Number(option('endpoint-sequences', '')) : null
  const dataDir = process.env.MALT_DATA_DIR ? process.env.MALT_DATA_DIR : join(import.meta.dirname, '..', '..', 'shared', 'data')
  const gsm8kTrain = option('data', join(dataDir, 'gsm8k', 'train.jsonl'))
  const engineArgs = parseEngineArgs(args)
  const flashAttention = engineArgs.flashAttention

  console.log(`tree benchmark: ${modelPath}`)
  console.log(
    `${availableParallelism()} cores, load average ${loadavg().map((each) => each.toFixed(2)).join(' ')}; ${threads} thread(s); ` +
      `${questionCount} GSM8K train questions, n=${branching} (${questionCount * nodesPerQuestion(branching)} nodes), ` +
      `at most ${maxTokens} tokens per node, temperature ${temperature}`
  )

  const scratch = mkdtempSync(join(tmpdir(), 'malt-bench-tree-'))
  const engine = await LlamaEngine.create({ gpu: engineArgs.gpu, maxThreads: threads })
  let workbench: Workbench | null = null
  try {
    const model = await engine.loadModel({ modelPath, gpuLayers: engineArgs.gpuLayers })
    const backend = describeBackend(engine.backend, model, flashAttention)
    console.log(`backend: ${backend}`)
    // The first questions of GSM8K's train split, as their own small data set, so every run uses the same ones.
    const dataFile = join(scratch, 'train.jsonl')
    writeFileSync(dataFile, readFileSync(gsm8kTrain, 'utf8').split('\n').filter((line) => line.trim()).slice(0, questionCount).join('\n') + '\n')

    // ---- (a) the workbench's tree search ----
    const runtime = await LlamaAgentRuntime.create({ model, sequencesPerRole, contextSize, topK, flashAttention })
    workbench = Workbench.open({
      databasePath: join(scratch, 'bench.sqlite'),
      dataFolder: null,
      transport: 'cli',
      // What LlamaAgentHost hands out, minus its model cache, so the runtime's counters stay readable here.
      agentHost: { agents: async () => runtime, dispose: async () => undefined }
    })
    let treeResult: Timed
    let evaluatedPromptTokens: number
    let promptTokensWithoutSharing: number
    let meanBatch: number
    let uniquePrefixTokens: number
    let meanPromptLength: number
    let nodeCount: number
    let questions: SearchQuestion[]
    let messagesFor: (role: GenerationRequest['role'], question: SearchQuestion, context: { generation?: string; verification?: string }) => ChatMessage[]
    try {
      const { datasetId } = await workbench.datasets.importFile(dataFile, { name: 'gsm8k-bench', format: 'gsm8k' })
      const run = workbench.runs.create({
        datasetId,
        split: 'train',
        limit: null,
        subsetSeed: 0,
        branching,
        seed,
        sampling: { temperature, topP: 1, maxTokens },
        questionConcurrency: questionCount,
        modelPath,
        start: false
      })
      const before = runtime.contextInfo('generator').stats
      const startedAt = performance.now()
      const { done } = workbench.runs.start(run.id)
      await done
      const ms = performance.now() - startedAt
      const after = runtime.contextInfo('generator').stats
      const summary = workbench.runs.summary(run.id)
      if (summary.status !== 'completed') throw new Error(`the tree run ended ${summary.status}: ${summary.error ?? ''}`)

      const repository = new SqliteRunRepository(workbench.store)
      const rows = repository.nodeRows(run.id)
      nodeCount = rows.length
      const nodes = [...repository.nodesById(rows.map((row) => row.id)).values()]
      const generatedTokens = nodes.reduce((sum, node) => sum + node.completionTokens, 0)
      treeResult = { generatedTokens, ms, tokensPerSecond: (generatedTokens / ms) * 1000 }
      evaluatedPromptTokens = after.evaluatedPromptTokens - before.evaluatedPromptTokens
      promptTokensWithoutSharing = after.promptTokens - before.promptTokens
      meanBatch = (after.sequenceSteps - before.sequenceSteps) / (after.steps - before.steps)

      const distinctPrompts = new Map<string, readonly Token[]>()
      for (const node of nodes) {
        const key = JSON.stringify(node.prompt)
        if (!distinctPrompts.has(key)) distinctPrompts.set(key, model.renderPrompt(node.prompt).tokens)
      }
      uniquePrefixTokens = trieSize([...distinctPrompts.values()])
      meanPromptLength = Math.round(nodes.reduce((sum, node) => sum + node.promptTokens, 0) / nodes.length)

      const config = workbench.runs.get(run.id).config
      questions = workbench.runs.questions(run.id, 'all', 0, questionCount).items.map((item) => ({
        id: item.questionId,
        question: item.question,
        answer: item.gold,
        choices: null
      }))
      // The naive run renders its own prompts (its texts differ) from the same template versions.
      const prompts = workbench.prompts
      messagesFor = (role, question, context) => prompts.render(config.templateIds[role], { question: question.question, ...context })
    } finally {
      await runtime.dispose()
    }

    console.log('')
    console.log(
      `tree:    ${treeResult.generatedTokens} tokens in ${(treeResult.ms / 1000).toFixed(1)} s = ${treeResult.tokensPerSecond.toFixed(1)} tok/s ` +
        `(${nodeCount} nodes, mean batch ${meanBatch.toFixed(1)} of ${sequencesPerRole * 3} sequences)`
    )
    console.log(
      `         prompt tokens: ${evaluatedPromptTokens} evaluated, ${uniquePrefixTokens} unique prefix tokens, ` +
        `${promptTokensWithoutSharing} without any sharing`
    )

    // ---- (c) the engine's ceiling ----
    const parallelism = sequencesPerRole * 3
    const ceiling = await bareLockstepDecode(model, parallelism, meanPromptLength, treeResult.generatedTokens, contextSize, flashAttention)
    console.log(
      `ceiling: ${ceiling.generatedTokens} tokens in ${(ceiling.ms / 1000).toFixed(1)} s = ${ceiling.tokensPerSecond.toFixed(1)} tok/s ` +
        `(${parallelism} sequences in lockstep, each after a ${meanPromptLength}-token prompt)`
    )

    // ---- (b) one prompt at a time, no prefix reuse ----
    let naive: Timed | null = null
    if (!skipNaive) {
      naive = await naiveTree(model, questions!, messagesFor!, { branching, maxTokens, seed, contextSize, flashAttention })
      console.log(
        `naive:   ${naive.generatedTokens} tokens in ${(naive.ms / 1000).toFixed(1)} s = ${naive.tokensPerSecond.toFixed(1)} tok/s ` +
          `(one completion at a time, prompt evaluated from scratch each time)`
      )
    }

    // ---- (d) llama.cpp's own batched decode at the ceiling's shape ----
    let batchedBench: number | null = null
    if (engineArgs.batchedBench) {
      const perSequence = Math.ceil(treeResult.generatedTokens / parallelism)
      const [row] = await runLlamaBatchedBench({
        binary: engineArgs.batchedBench,
        modelPath,
        promptTokens: meanPromptLength,
        generatedTokens: perSequence,
        sequences: [parallelism],
        gpuLayers: model.model.gpuLayers,
        flashAttention,
        threads
      })
      batchedBench = row!.generationTokensPerSecond
      console.log(
        `llama-batched-bench: ${batchedBench.toFixed(1)} tok/s (${parallelism} sequences × ${perSequence} tokens after a ${meanPromptLength}-token prompt, decode phase)`
      )
    }

    // ---- (e) the same tree on an inference endpoint, each engine against llama-batched-bench ----
    let endpoint: EndpointTreeResult | null = null
    let embeddedBatchedBench: number | null = null
    if (endpointEngine) {
      endpoint = await endpointTree({
        engine: endpointEngine,
        databasePath: args.includes('--db') ? option('db', '') : null,
        scratch,
        dataFile,
        branching,
        seed,
        maxTokens,
        temperature,
        questionConcurrency: questionCount,
        sequences: endpointSequences,
        modelPath,
        threads
      })
      embeddedBatchedBench =
        batchedBench ??
        (
          await runLlamaBatchedBench({
            binary: llamaBinary('llama-batched-bench'),
            modelPath,
            promptTokens: meanPromptLength,
            generatedTokens: Math.ceil(treeResult.generatedTokens / parallelism),
            sequences: [parallelism],
            gpuLayers: 0,
            flashAttention: false,
            threads
          })
        )[0]!.generationTokensPerSecond
      console.log(
        `endpoint: ${endpoint.generatedTokens} tokens in ${(endpoint.ms / 1000).toFixed(1)} s = ${endpoint.tokensPerSecond.toFixed(1)} tok/s ` +
          `(${endpoint.nodes} nodes on ${endpoint.name}, ${endpoint.baseUrl}, mean prompt ${endpoint.meanPromptTokens} tokens)`
      )
      console.log(`          prompt tokens: ${endpoint.evaluatedPromptTokens} evaluated by the server (its usage less cached tokens) of ${endpoint.promptTokens}`)
      console.log(`llama-batched-bench: ${embeddedBatchedBench.toFixed(1)} tok/s at ${parallelism} sequences (the embedded tree's), ${endpoint.batchedBenchTokensPerSecond.toFixed(1)} tok/s at ${endpoint.sequences} (${endpoint.sequencesFrom})`)
    }

    console.log('')
    if (endpoint && embeddedBatchedBench !== null) {
      console.log(`embedded tree / llama-batched-bench:   ${(treeResult.tokensPerSecond / embeddedBatchedBench).toFixed(2)}  (${parallelism} sequences)`)
      console.log(`endpoint tree / llama-batched-bench:   ${(endpoint.tokensPerSecond / endpoint.batchedBenchTokensPerSecond).toFixed(2)}  (${endpoint.sequences} sequences)`)
      console.log(`endpoint tree / embedded tree:         ${(endpoint.tokensPerSecond / treeResult.tokensPerSecond).toFixed(2)}`)
    }
    console.log(`tree / ceiling:                        ${(treeResult.tokensPerSecond / ceiling.tokensPerSecond).toFixed(2)}  (target ≥ 0.8)`)
    if (batchedBench !== null) console.log(`tree / llama-batched-bench:            ${(treeResult.tokensPerSecond / batchedBench).toFixed(2)}  (target ≥ 0.8)`)
    if (naive) console.log(`tree / naive:                          ${(treeResult.tokensPerSecond / naive.tokensPerSecond).toFixed(2)}`)
    console.log(`prompt tokens evaluated / unique:      ${(evaluatedPromptTokens / uniquePrefixTokens).toFixed(2)}  (target ≤ 1.1)`)
    console.log(
      JSON.stringify({
        tree_tps: round(treeResult.tokensPerSecond),
        naive_tps: naive ? round(naive.tokensPerSecond) : null,
        ceiling_tps: round(ceiling.tokensPerSecond),
        batched_bench_tps: batchedBench === null ? null : round(batchedBench),
        prompt_tokens_evaluated: evaluatedPromptTokens,
        unique_prefix_tokens: uniquePrefixTokens,
        ...(endpoint
          ? {
              embedded_batched_bench_tps: round(embeddedBatchedBench!),
              endpoint_tps: round(endpoint.tokensPerSecond),
              endpoint_sequences: endpoint.sequences,
              endpoint_prompt_tokens_evaluated: endpoint.evaluatedPromptTokens,
              endpoint_batched_bench_tps: round(endpoint.batchedBenchTokensPerSecond)
            }
          : {}),
        sequences: parallelism,
        backend
      })
    )
  } finally {
    await workbench?.dispose()
    await engine.dispose()
    rmSync(scratch, { recursive: true, force: true })
  }
}

/** Distinct prefixes over all prompts: the nodes of their token trie. */
function trieSize(prompts: readonly (readonly Token[])[]): number {
  interface TrieNode {
    children: Map<Token, TrieNode>
  }
  const root: TrieNode = { children: new Map() }
  let size = 0
  for (const prompt of prompts) {
    let node = root
    for (const token of prompt) {
      let child = node.children.get(token)
      if (!child) {
        child = { children: new Map() }
        node.children.set(token, child)
        size++
      }
      node = child
    }
  }
  return size
}

/** The tree algorithm on a model that completes one prompt at a time on one sequence, from an empty cache. */
async function naiveTree(
  model: LoadedModel,
  questions: SearchQuestion[],
  messagesFor: (role: GenerationRequest['role'], question: SearchQuestion, context: { generation?: string; verification?: string }) => ChatMessage[],
  settings: { branching: number; maxTokens: number; seed: number; contextSize: number; flashAttention: boolean }
): Promise<Timed> {
  const context = await model.model.createContext({ sequences: 1, contextSize: settings.contextSize, flashAttention: settings.flashAttention })
  const sequence = context.getSequence()
  const completion = new LlamaCompletion({ contextSequence: sequence })
  let generatedTokens = 0
  // One completion at a time: every request waits for the previous one.
  let previous: Promise<unknown> = Promise.resolve()
  const naiveModel: LanguageModelPort = {
    generate: (request) => {
      const turn = previous.then(async () => {
        const prompt = model.renderPrompt(request.messages).tokens
        const results: GeneratedText[] = []
        for (const [index, sampleSeed] of request.seeds.entries()) {
          const startedAt = performance.now()
          await sequence.clearHistory()
          const before = sequence.tokenMeter.getState()
          const { response, metadata } = await completion.generateCompletionWithMeta([...prompt], {
            maxTokens: request.sampling.maxTokens,
            temperature: request.sampling.temperature,
            topP: request.sampling.topP,
            topK,
            seed: sampleSeed
          })
          const used = sequence.tokenMeter.diff(before)
          const completionTokens = model.model.tokenize(response, false).length
          generatedTokens += completionTokens
          const result: GeneratedText = {
            text: response,
            stopReason: metadata.stopReason === 'maxTokens' ? 'maxTokens' : 'eos',
            promptTokens: prompt.length,
            evaluatedPromptTokens: used.usedInputTokens,
            completionTokens,
            durationMs: performance.now() - startedAt
          }
          results.push(result)
          request.onSampleDone?.(index, result)
        }
        return results
      })
      previous = turn.catch(() => undefined)
      return turn
    }
  }
  const startedAt = performance.now()
  let nextId = 1
  for (const question of questions) {
    await expandQuestionTree(
      question,
      [],
      {
        model: naiveModel,
        messagesFor,
        judge: (q, text, role) => gradeOutput('gsm8k', text, q.answer, { statedOnly: role === 'verifier' }),
        saveNode: () => nextId++
      },
      { branching: settings.branching, sampling: { temperature, topP: 1, maxTokens: settings.maxTokens }, runSeed: settings.seed }
    )
  }
  const ms = performance.now() - startedAt
  await context.dispose()
  return { generatedTokens, ms, tokensPerSecond: (generatedTokens / ms) * 1000 }
}

/**
 * `parallelism` sequences of one plain context, each prefilled (untimed) with `promptLength` tokens, then decoding
 * in lockstep with node-llama-cpp's own sampler until `totalTokens` are generated among them.
 */
async function bareLockstepDecode(
  model: LoadedModel,
  parallelism: number,
  promptLength: number,
  totalTokens: number,
  contextSize: number,
  flashAttention: boolean
): Promise<Timed> {
  const perSequence = Math.ceil(totalTokens / parallelism)
  const context = await model.model.createContext({
    sequences: parallelism,
    contextSize: Math.max(contextSize, promptLength + perSequence + 8),
    flashAttention
  })
  try {
    const filler = model.model.tokenize('The lighthouse keeper watched the storm roll in over the grey sea, counting the ships. ', false)
    const prompt: Token[] = Array.from({ length: promptLength }, (_, index) => filler[index % filler.length]!)
    const sequences: LlamaContextSequence[] = Array.from({ length: parallelism }, () => context.getSequence())
    await Promise.all(sequences.map((sequence) => sequence.evaluateWithoutGeneratingNewTokens(prompt.slice(0, -1))))

    const startedAt = performance.now()
    const counts = await decodeSequences(sequences, {
      maxTokens: perSequence,
      lockstep: true,
      inputOf: () => [prompt[prompt.length - 1]!],
      samplingOf: (index) => ({ temperature, topK, topP: 1, seed: 1000 + index })
    })
    const ms = performance.now() - startedAt
    const generatedTokens = counts.reduce((sum, count) => sum + count, 0)
    return { generatedTokens, ms, tokensPerSecond: (generatedTokens / ms) * 1000 }
  } finally {
    await context.dispose()
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10
}
