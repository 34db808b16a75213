/**
 * `bench tree --engine endpoint:NAME`: the same tree search through an OpenAI-compatible server, set against
 * llama.cpp's `llama-batched-bench` on the bench's GGUF at as many sequences as the server decodes at once.
 *
 * The endpoint comes from a workbench database (`--db FILE`, default: MALT_DB or the desktop app's) where
 * `malt models add-endpoint` registered it; the server must serve the same model as `--model` for the comparison to
 * mean anything. Sequences: llama-server's slot count (`GET /props`), else `--endpoint-sequences N`, else the
 * endpoint's in-flight cap.
 */
import { join } from 'node:path'
import { SqliteEndpointRepository } from '../src/main/adapters/db/SqliteEndpointRepository'
import { WorkbenchDatabase } from '../src/main/adapters/db/WorkbenchDatabase'
import { Workbench } from '../src/main/app/Workbench'
import { defaultDatabasePath } from '../src/main/app/resolvePaths'
import { endpointNameOf, type EndpointSpec } from '../src/shared/api/schemas/endpoints'
import { llamaBinary } from './_llamaBinary'
import { runLlamaBatchedBench } from './_llamaBatchedBench'

export interface EndpointTreeOptions {
  /** `endpoint:NAME`. */
  engine: string
  /** Where the endpoint is registered. */
  databasePath: string | null
  scratch: string
  /** A GSM8K train file holding just the bench's questions. */
  dataFile: string
  branching: number
  seed: number
  maxTokens: number
  temperature: number
  questionConcurrency: number
  /** Overrides how many sequences the server is taken to decode at once. */
  sequences: number | null
  /** For llama-batched-bench: the same model as the server's, on this machine's CPU. */
  modelPath: string
  threads: number
}

export interface EndpointTreeResult {
  name: string
  baseUrl: string
  generatedTokens: number
  ms: number
  tokensPerSecond: number
  nodes: number
  meanPromptTokens: number
  /** Prompt tokens the server says it evaluated (usage's prompt tokens less its cached ones). */
  evaluatedPromptTokens: number
  promptTokens: number
  sequences: number
  sequencesFrom: string
  batchedBenchTokensPerSecond: number
}

export async function endpointTree(options: EndpointTreeOptions): Promise<EndpointTreeResult> {
  const name = endpointNameOf(options.engine)
  if (name === null) throw new Error(`--engine must be endpoint:NAME, got '${options.engine}'`)
  const spec = readEndpoint(options.databasePath ?? defaultDatabasePath(), name)

  const workbench = Workbench.open({ databasePath: join(options.scratch, 'endpoint-bench.sqlite'), dataFolder: null, transport: 'cli' })
  try {
    workbench.endpoints.add(spec)
    const check = await workbench.endpoints.check(name)
    if (check.problems.length > 0) throw new Error(`endpoint '${name}' is not ready: ${check.problems.join('; ')}`)
    const { datasetId } = await workbench.datasets.importFile(options.dataFile, { name: 'gsm8k-bench', format: 'gsm8k' })
    const run = workbench.runs.create({
      datasetId,
      split: 'train',
      limit: null,
      subsetSeed: 0,
      branching: options.branching,
      seed: options.seed,
      sampling: { temperature: options.temperature, topP: 1, maxTokens: options.maxTokens },
      questionConcurrency: options.questionConcurrency,
      modelPath: options.engine,
      start: false
    })
    const startedAt = performance.now()
    await workbench.runs.start(run.id).done
    const ms = performance.now() - startedAt
    const summary = workbench.runs.summary(run.id)
    if (summary.status !== 'completed') throw new Error(`the endpoint's tree run ended ${summary.status}: ${summary.error ?? ''}`)
    const totals = workbench.store.db
      .prepare(
        'SELECT COUNT(*) AS nodes, SUM(completion_tokens) AS generated, AVG(prompt_tokens) AS prompt, SUM(prompt_tokens) AS promptTotal, SUM(evaluated_prompt_tokens) AS evaluated FROM tree_nodes WHERE run_id = ?'
      )
      .get(run.id) as { nodes: number; generated: number; prompt: number; promptTotal: number; evaluated: number }

    const slots = await llamaServerSlots(spec)
    const sequences = options.sequences ?? slots ?? spec.maxInFlight
    const sequencesFrom = options.sequences !== null ? '--endpoint-sequences' : slots !== null ? "llama-server's slots" : 'the in-flight cap'
    const [row] = await runLlamaBatchedBench({
      binary: llamaBinary('llama-batched-bench'),
      modelPath: options.modelPath,
      promptTokens: Math.round(totals.prompt),
      generatedTokens: Math.max(1, Math.ceil(totals.generated / sequences)),
      sequences: [sequences],
      gpuLayers: 0,
      flashAttention: false,
      threads: options.threads
    })
    return {
      name,
      baseUrl: spec.baseUrl,
      generatedTokens: totals.generated,
      ms,
      tokensPerSecond: (totals.generated / ms) * 1000,
      nodes: totals.nodes,
      meanPromptTokens: Math.round(totals.prompt),
      evaluatedPromptTokens: totals.evaluated,
      promptTokens: totals.promptTotal,
      sequences,
      sequencesFrom,
      batchedBenchTokensPerSecond: row!.generationTokensPerSecond
    }
  } finally {
    await workbench.dispose()
  }
}

function readEndpoint(databasePath: string, name: string): EndpointSpec {
  const store = WorkbenchDatabase.open(databasePath)
  try {
    return new SqliteEndpointRepository(store).get(name).spec
  } finally {
    store.close()
  }
}

/** llama-server says how many sequences it decodes at once (`total_slots`); other servers have no such route. */
async function llamaServerSlots(spec: EndpointSpec): Promise<number | null> {
  try {
    const key = spec.apiKeyEnv ? process.env[spec.apiKeyEnv] : undefined
    const response = await fetch(`${spec.baseUrl.replace(/\/v1$/, '')}/props`, { headers: key ? { authorization: `Bearer ${key}` } : {}, signal: AbortSignal.timeout(10_000) })
    if (!response.ok) return null
    const props = (await response.json()) as { total_slots?: unknown }
    return typeof props.total_slots === 'number' && props.total_slots > 0 ? props.total_slots : null
  } catch {
    return null
  }
}
