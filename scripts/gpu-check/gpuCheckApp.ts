/**
 * The workbench side of the offline GPU check (scripts/gpu-check.sh), bundled into one file by
 * scripts/gpu-check-pack.mjs. Each command runs real workbench code and ends with one line `RESULT {json}`:
 *
 *   node gpu-check-app.mjs install-build --gpu cuda|false --from BUILD/Release --node-modules DIR
 *                                                                             a llama.cpp build as node-llama-cpp's local build
 *   node gpu-check-app.mjs agents [bench agents flags]                           bench/agents.ts
 *   node gpu-check-app.mjs tree [bench tree flags]                               bench/tree.ts
 *   node gpu-check-app.mjs train --model M --data GSM8K.jsonl --work DIR --python-dir DIR [--steps 16 --dpo-steps 12
 *                                --batch 8 --max-length 512 --device auto]    SFT then DPO through PythonRunner
 *   node gpu-check-app.mjs adapter --model M --adapter A.gguf [--gpu cuda --threads N --tokens 48]
 *                                                                             the trained adapter in the role agents
 */
import { createRequire } from 'node:module'
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { trainingOptionsSchema, type TrainingStage } from '@shared/api/schemas/training'
import agentsBench from '../../bench/agents'
import treeBench from '../../bench/tree'
import { LlamaAgentRuntime } from '../../src/main/adapters/llm/LlamaAgentRuntime'
import { LlamaEngine, type GpuChoice } from '../../src/main/adapters/llm/LlamaEngine'
import { PythonRunner } from '../../src/main/adapters/python/PythonRunner'
import type { FinishedEvent, RunnerEvent, StartedEvent } from '../../src/main/services/ports/runnerEvents'
import type { ChatMessage } from '../../src/main/domain/agents/types'
import { toDpoRecord, toSftRecord, type ExportNode } from '../../src/main/domain/export/toTrlRecords'
import { parseGsm8kGold } from '../../src/main/domain/grading/parseGsm8kGold'
import { defaultPromptTemplate } from '../../src/main/domain/prompts/defaultPromptTemplates'
import { renderRoleMessages } from '../../src/main/domain/prompts/renderRoleMessages'
import { buildRunnerConfig } from '../../src/main/domain/training/buildRunnerConfig'

type Args = readonly string[]

function option(args: Args, name: string, fallback?: string): string {
  const index = args.indexOf(`--${name}`)
  const value = index >= 0 ? args[index + 1] : undefined
  if (value !== undefined) return value
  if (fallback === undefined) throw new Error(`--${name} is required`)
  return fallback
}

function numberOption(args: Args, name: string, fallback: number): number {
  const value = Number(option(args, name, String(fallback)))
  if (!Number.isFinite(value)) throw new Error(`--${name} must be a number`)
  return value
}

function gpuOption(args: Args): GpuChoice {
  const value = option(args, 'gpu', 'cuda')
  return value === 'false' || value === 'cpu' ? false : (value as GpuChoice)
}

function result(value: unknown): void {
  console.log(`RESULT ${JSON.stringify(value)}`)
}

// ---- install-build --------------------------------------------------------------------------------------------

/**
 * Puts a llama.cpp build (the addon, its libraries) where node-llama-cpp looks for a local build of these options
 * (llama/localBuilds/<platform-arch[-gpu]>/Release with its build metadata and done marker), the same folder its
 * own `source build` writes, then checks that the workbench's engine loads it with that GPU backend. Its own names
 * and metadata come from node-llama-cpp's modules, so a folder name it expects cannot drift from ours.
 */
async function installBuild(args: Args): Promise<void> {
  const gpu = gpuOption(args)
  const from = resolve(option(args, 'from'))
  if (!existsSync(join(from, 'llama-addon.node'))) throw new Error(`no llama-addon.node in ${from}`)
  const packageDir = dirname(dirname(createRequire(import.meta.url).resolve('node-llama-cpp')))
  // A node-llama-cpp found anywhere else (a checkout's shared node_modules) would prefer this build from now on.
  const expected = resolve(option(args, 'node-modules'), 'node-llama-cpp')
  if (realpathSync(packageDir) !== realpathSync(expected)) {
    throw new Error(`node-llama-cpp resolves to ${packageDir}, not to ${expected}: refusing to install a local build there (run the app from inside the check's work folder)`)
  }
  const internal = async <T>(path: string): Promise<T> => (await import(pathToFileURL(join(packageDir, 'dist', path)).href)) as T
  const config = await internal<{ llamaLocalBuildBinsDirectory: string; buildMetadataFileName: string; builtinLlamaCppGitHubRepo: string }>('config.js')
  const { builtinLlamaCppRelease } = await internal<{ builtinLlamaCppRelease: string }>('bindings/utils/binariesGithubRelease.js')
  const { getPlatform } = await internal<{ getPlatform(): string }>('bindings/utils/getPlatform.js')
  const { getPlatformInfo } = await internal<{ getPlatformInfo(): Promise<{ name: string; version: string }> }>('bindings/utils/getPlatformInfo.js')
  const { resolveCustomCmakeOptions } = await internal<{ resolveCustomCmakeOptions(options: object): Map<string, string> }>(
    'bindings/utils/resolveCustomCmakeOptions.js'
  )
  const { getBuildFolderNameForBuildOptions } = await internal<{
    getBuildFolderNameForBuildOptions(options: object): Promise<{ withCustomCmakeOptions: string }>
  }>('bindings/utils/getBuildFolderNameForBuildOptions.js')
  const { convertBuildOptionsToBuildOptionsJSON } = await internal<{ convertBuildOptionsToBuildOptionsJSON(options: object): object }>('bindings/types.js')

  const buildOptions = {
    customCmakeOptions: resolveCustomCmakeOptions({}),
    progressLogs: false,
    platform: getPlatform(),
    platformInfo: await getPlatformInfo(),
    arch: process.arch,
    gpu,
    llamaCpp: { repo: config.builtinLlamaCppGitHubRepo, release: builtinLlamaCppRelease }
  }
  const folder = (await getBuildFolderNameForBuildOptions(buildOptions)).withCustomCmakeOptions
  const target = join(config.llamaLocalBuildBinsDirectory, folder)
  mkdirSync(join(target, 'Release'), { recursive: true })
  cpSync(from, join(target, 'Release'), { recursive: true })
  writeFileSync(join(target, 'Release', config.buildMetadataFileName), JSON.stringify({ buildOptions: convertBuildOptionsToBuildOptionsJSON(buildOptions) }))
  writeFileSync(join(target, 'buildDone.status'), '')

  // The app's default setting is "auto": it must find this build too.
  const threads = numberOption(args, 'threads', 2)
  const auto = await LlamaEngine.create({ gpu: 'auto', maxThreads: threads })
  const autoPicks = { gpu: auto.backend.gpu, buildType: auto.llama.buildType, gpuFallbackReason: auto.backend.gpuFallbackReason }
  await auto.dispose()
  const engine = await LlamaEngine.create({ gpu, maxThreads: threads })
  try {
    const backend = engine.backend
    const buildType = engine.llama.buildType
    const ok = buildType === 'localBuild' && backend.gpu === (gpu === false ? null : gpu)
    result({ ok, folder, buildType, backend, vramTotalBytes: backend.vramTotalBytes, autoPicks, files: readdirSync(join(target, 'Release')).length })
    if (!ok) {
      throw new Error(
        `node-llama-cpp loaded a ${buildType} with ${backend.gpu ?? 'the CPU'} instead of the ${gpu || 'CPU'} local build in ${target}` +
          (backend.gpuFallbackReason ? `: ${backend.gpuFallbackReason}` : '')
      )
    }
  } finally {
    await engine.dispose()
  }
}

// ---- train ----------------------------------------------------------------------------------------------------

interface JobSummary {
  stage: TrainingStage
  device: string | null
  deviceName: string | null
  dtype: string | null
  steps: number
  loadSeconds: number
  trainRuntimeSeconds: number
  totalSeconds: number
  tokensPerSecond: number | null
  outsideForwardBackward: number | null
  trainLoss: number | null
  adapterGguf: string
  adapterDir: string
}

/** GSM8K questions as the generator's SFT examples (the gold solution) and DPO pairs (a wrong final answer rejected). */
function trainingRecords(gsm8kFile: string, count: number): { sft: string[]; dpo: string[] } {
  const template = defaultPromptTemplate('gsm8k', 'generator')
  const lines = readFileSync(gsm8kFile, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .slice(0, count)
  const sft: string[] = []
  const dpo: string[] = []
  lines.forEach((line, index) => {
    const record = JSON.parse(line) as { question: string; answer: string }
    const gold = parseGsm8kGold(record.answer) ?? '0'
    const reasoning = record.answer.slice(0, Math.max(0, record.answer.lastIndexOf('####'))).trim()
    const prompt: ChatMessage[] = renderRoleMessages(template, { question: record.question })
    const node = (id: number, text: string): ExportNode => ({
      id,
      runId: 0,
      questionId: index,
      parentId: null,
      role: 'generator',
      branch: 0,
      path: String(id),
      text,
      prompt,
      answer: null,
      reward: null
    })
    const right = node(2 * index + 1, `${reasoning}\nFinal Answer: ${gold}`)
    const wrong = node(2 * index + 2, `${reasoning}\nFinal Answer: ${Number(gold) + 7}`)
    sft.push(JSON.stringify(toSftRecord(right, 1)))
    dpo.push(JSON.stringify(toDpoRecord(right, wrong, null)))
  })
  return { sft, dpo }
}

async function runJob(runner: PythonRunner, stage: TrainingStage, dir: string, config: Record<string, unknown>): Promise<JobSummary> {
  mkdirSync(dir, { recursive: true })
  const configPath = join(dir, 'config.json')
  writeFileSync(configPath, JSON.stringify(config, null, 2))
  let started: StartedEvent | null = null
  const onEvent = (event: RunnerEvent) => {
    if (event.type === 'started') {
      started = event
      console.error(`${stage}: started on ${event.device} (${event.device_name}), ${event.dtype}, ${event.train_examples} examples`)
    } else if (event.type === 'progress') {
      console.error(`${stage}: step ${event.step} of ${event.total_steps}`)
    }
  }
  const finished: FinishedEvent = await runner.train({ configPath, logPath: join(dir, 'runner.log'), onEvent })
  const startedEvent = started as StartedEvent | null
  if (!finished.gguf_path) throw new Error(`the ${stage} job exported no adapter.gguf`)
  return {
    stage,
    device: startedEvent?.device ?? null,
    deviceName: startedEvent?.device_name ?? null,
    dtype: startedEvent?.dtype ?? null,
    steps: finished.steps,
    loadSeconds: finished.load_seconds,
    trainRuntimeSeconds: finished.train_runtime_s,
    totalSeconds: finished.total_seconds,
    tokensPerSecond: finished.tokens_per_second,
    outsideForwardBackward: finished.outside_fwd_bwd_fraction,
    trainLoss: finished.train_loss,
    adapterGguf: finished.gguf_path,
    adapterDir: finished.adapter_dir
  }
}

/**
 * A short SFT job, then DPO from its adapter (the reference is that SFT adapter, as in the workbench), both through
 * the workbench's PythonRunner adapter with configs from its buildRunnerConfig and the training form's defaults.
 */
async function train(args: Args): Promise<void> {
  const model = resolve(option(args, 'model'))
  const work = resolve(option(args, 'work'))
  const batch = numberOption(args, 'batch', 8)
  const sftSteps = numberOption(args, 'steps', 16)
  const dpoSteps = numberOption(args, 'dpo-steps', 12)
  const runner = new PythonRunner({ pythonDir: resolve(option(args, 'python-dir')), setupScript: '/nonexistent/setup-python.sh' })
  const { sft, dpo } = trainingRecords(resolve(option(args, 'data')), batch * Math.max(sftSteps, dpoSteps))
  mkdirSync(work, { recursive: true })
  writeFileSync(join(work, 'sft.jsonl'), sft.join('\n') + '\n')
  writeFileSync(join(work, 'dpo.jsonl'), dpo.join('\n') + '\n')

  const options = trainingOptionsSchema.parse({
    batchSize: batch,
    maxLength: numberOption(args, 'max-length', 512),
    device: option(args, 'device', 'auto'),
    ...(args.includes('--no-checkpointing') ? { gradientCheckpointing: false } : {})
  })
  const jobs: JobSummary[] = []
  const sftJob = await runJob(
    runner,
    'sft',
    join(work, 'sft'),
    buildRunnerConfig({
      stage: 'sft',
      options: { ...options, maxSteps: sftSteps },
      baseModelPath: model,
      trainFile: join(work, 'sft.jsonl'),
      outputDir: join(work, 'sft', 'output'),
      initAdapter: null
    })
  )
  jobs.push(sftJob)
  const dpoJob = await runJob(
    runner,
    'dpo',
    join(work, 'dpo'),
    buildRunnerConfig({
      stage: 'dpo',
      options: { ...options, maxSteps: dpoSteps },
      baseModelPath: model,
      trainFile: join(work, 'dpo.jsonl'),
      outputDir: join(work, 'dpo', 'output'),
      initAdapter: sftJob.adapterDir
    })
  )
  jobs.push(dpoJob)
  result({ jobs, adapter: dpoJob.adapterGguf })
}

// ---- adapter --------------------------------------------------------------------------------------------------

/** The trained adapter loaded for the generator in the role agents, next to the base model, on the same engine. */
async function adapter(args: Args): Promise<void> {
  const modelPath = resolve(option(args, 'model'))
  const adapterPath = resolve(option(args, 'adapter'))
  const maxTokens = numberOption(args, 'tokens', 48)
  const engine = await LlamaEngine.create({ gpu: gpuOption(args), maxThreads: numberOption(args, 'threads', 2) })
  try {
    const model = await engine.loadModel({ modelPath })
    const messages = renderRoleMessages(defaultPromptTemplate('gsm8k', 'generator'), {
      question: 'Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did she sell altogether?'
    })
    const generate = async (withAdapter: boolean) => {
      const runtime = await LlamaAgentRuntime.create({
        model,
        sequencesPerRole: 3,
        contextSize: 1024,
        adapters: withAdapter ? { generator: { filePath: adapterPath, scale: 1 } } : {}
      })
      try {
        const startedAt = performance.now()
        const samples = await runtime.generate({ role: 'generator', messages, seeds: [1, 2, 3], sampling: { temperature: 0.3, topP: 1, maxTokens } })
        const seconds = (performance.now() - startedAt) / 1000
        const tokens = samples.reduce((sum, sample) => sum + sample.completionTokens, 0)
        return { texts: samples.map((sample) => sample.text), tokens, tokensPerSecond: tokens / seconds }
      } finally {
        await runtime.dispose()
      }
    }
    const base = await generate(false)
    const adapted = await generate(true)
    result({
      backend: engine.backend,
      gpuLayers: model.model.gpuLayers,
      totalLayers: model.model.fileInsights.totalLayers,
      adapter: adapterPath,
      baseTokensPerSecond: base.tokensPerSecond,
      adapterTokensPerSecond: adapted.tokensPerSecond,
      adapterTokens: adapted.tokens,
      differsFromBase: adapted.texts.join('\u0000') !== base.texts.join('\u0000'),
      sample: adapted.texts[0]!.slice(0, 120)
    })
  } finally {
    await engine.dispose()
  }
}

// ---------------------------------------------------------------------------------------------------------------

const commands: Record<string, (args: Args) => Promise<void>> = {
  'install-build': installBuild,
  agents: (args) => agentsBench([...args]),
  tree: (args) => treeBench([...args]),
  train,
  adapter
}

const [command, ...rest] = process.argv.slice(2)
const run = command ? commands[command] : undefined
if (!run) {
  console.error(`usage: node gpu-check-app.mjs <${Object.keys(commands).join('|')}> [flags]`)
  process.exit(2)
}
try {
  await run(rest)
  // node-llama-cpp's worker threads may keep the loop alive for a while after dispose; the step is done.
  process.exit(0)
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error))
  process.exit(1)
}
