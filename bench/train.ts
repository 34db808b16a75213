/**
 * Training throughput of the Python runner (CUDA when present, else the CPU), against a bare PEFT loop of the same
 * shape measured in the same run.
 *
 *   npm run bench -- train [--model PATH] [--steps 2] [--batch 8] [--max-length 256] [--rank 16]
 *     [--checkpointing auto|on|off] [--no-checkpointing] [--padding-free auto|on|off] [--micro-batch auto|N]
 *     [--attention auto|sdpa|eager|flash_attention_2|flash_attention_3|varlen] [--liger] [--device auto|cpu|cuda]
 *     [--peak-tflops N] [--legacy] [--no-dpo]
 *
 * --steps and --batch: optimizer steps and examples per step (the effective batch; the runner picks the micro-batch).
 * --checkpointing, --padding-free, --micro-batch, --attention, --liger: the runner's execution settings (default: the
 * runner's own "auto" choices); --no-checkpointing is --checkpointing off. --device: where both run. --peak-tflops:
 * the GPU's dense bf16 peak when the runner's table lacks it (sets MALT_PEAK_TFLOPS). --legacy: also runs the SFT job
 * with the runner's settings before these choices existed (padded batches, gradient checkpointing on, the whole
 * batch in one pass), to set the new defaults against. --no-dpo: skips the DPO job.
 *
 * Data: GSM8K train questions in the generator's chat shape (system + user prompt, the reference solution as the
 * completion); DPO pairs take that solution as chosen and the same solution with a wrong final answer as rejected.
 * Runs, one after the other, each a fresh process:
 * - SFT:    `malt_runner train` (trl SFTTrainer, LoRA r/α 16/32 on all 7 projections, batch 8 as in the paper);
 * - DPO:    `malt_runner train` starting from that SFT adapter (trl DPOTrainer, β 0.2; the frozen copy is the reference);
 * - bare:   bench/python/bare_train_loop.py: the SFT job's model, LoRA, examples, batch, device, precision and AdamW in a
 *           plain padded forward/backward/step loop with PEFT (no trl, no Trainer), with gradient checkpointing as the
 *           runner's SFT job decided;
 * - legacy: (--legacy) the SFT job again with gradient_checkpointing true, padding_free false, micro_batch_size = batch.
 * Tokens are non-padding tokens fed to the policy's forward pass (DPO: chosen + rejected), per second of optimizer-
 * step wall time ("steady": without the first step, which also warms up). "outside" is the share of that time not
 * spent in forward+backward (data collation, the optimizer, logging; trl computes its extra metrics and DPO's reference
 * forward inside the timed training step, so they count as forward/backward). MFU: model FLOPs per second over the
 * GPU's dense bf16 peak (resources/python/malt_runner/flops.py says what is counted); none on the CPU.
 * Nothing is asserted; other processes may share this machine. The last line of stdout is one JSON object:
 *   {"model","device","steps","batch","maxLength","settings","plan","sft","dpo","bare","legacy",
 *    "sftToBare","dpoToSft","sftToLegacy"}
 * where sft/dpo/bare/legacy are {"tokensPerSecond","steadyTokensPerSecond","outsideFwdBwdFraction","mfu",
 * "trainTokens","stepSeconds","steps"} or null when not run.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PythonRunner, venvPython } from '../src/main/adapters/python/PythonRunner'
import type { FinishedEvent, PlanEvent, RunnerEvent } from '../src/main/services/ports/runnerEvents'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const pythonDir = join(repoRoot, 'resources', 'python')

type Tristate = 'auto' | 'on' | 'off'

interface Options {
  model: string
  steps: number
  batch: number
  maxLength: number
  rank: number
  checkpointing: Tristate
  paddingFree: Tristate
  microBatch: 'auto' | number
  attention: string
  liger: boolean
  device: 'auto' | 'cpu' | 'cuda'
  peakTflops: number | null
  legacy: boolean
  dpo: boolean
}

function parseArgs(args: string[]): Options {
  const value = (flag: string, fallback: string) => {
    const index = args.indexOf(flag)
    return index >= 0 && args[index + 1] ? args[index + 1]! : fallback
  }
  const oneOf = <T extends string>(flag: string, fallback: T, allowed: readonly T[]): T => {
    const given = value(flag, fallback)
    if (!allowed.includes(given as T)) throw new Error(`${flag} must be one of ${allowed.join(', ')}, got '${given}'`)
    return given as T
  }
  const positive = (flag: string, fallback: string): number => {
    const given = Number(value(flag, fallback))
    if (!Number.isInteger(given) || given < 1) throw new Error(`${flag} must be a positive integer, got '${value(flag, fallback)}'`)
    return given
  }
  const micro = value('--micro-batch', 'auto')
  const peak = value('--peak-tflops', '')
  return {
    model: resolve(value('--model', join(repoRoot, '.models', 'SmolLM2-135M-Instruct.Q4_1.gguf'))),
    steps: positive('--steps', '2'),
    batch: positive('--batch', '8'),
    maxLength: positive('--max-length', '256'),
    rank: positive('--rank', '16'),
    checkpointing: args.includes('--no-checkpointing') ? 'off' : oneOf('--checkpointing', 'auto', ['auto', 'on', 'off'] as const),
    paddingFree: oneOf('--padding-free', 'auto', ['auto', 'on', 'off'] as const),
    microBatch: micro === 'auto' ? 'auto' : positive('--micro-batch', micro),
    attention: oneOf('--attention', 'auto', ['auto', 'sdpa', 'eager', 'flash_attention_2', 'flash_attention_3', 'varlen'] as const),
    liger: args.includes('--liger'),
    device: oneOf('--device', 'auto', ['auto', 'cpu', 'cuda'] as const),
    peakTflops: peak ? Number(peak) : null,
    legacy: args.includes('--legacy'),
    dpo: !args.includes('--no-dpo')
  }
}

const system = 'You are an expert problem solver. You solve math word problems step by step.'

/** SFT examples and DPO pairs from GSM8K train (the reference solution; a wrong final answer for the rejected side). */
function trainingData(count: number): { sft: string[]; dpo: string[] } {
  const dataDir = process.env.MALT_DATA_DIR ? resolve(process.env.MALT_DATA_DIR) : resolve(repoRoot, '..', 'shared', 'data')
  const file = join(dataDir, 'gsm8k', 'train.jsonl')
  if (!existsSync(file)) throw new Error(`GSM8K not found at ${file}: set MALT_DATA_DIR`)
  const records = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .slice(0, count)
    .map((line) => JSON.parse(line) as { question: string; answer: string })
  const sft: string[] = []
  const dpo: string[] = []
  for (const record of records) {
    const [reasoning, gold = '0'] = record.answer.split('####').map((part) => part.trim())
    const prompt = [
      { role: 'system', content: system },
      { role: 'user', content: `Solve the following math problem step by step.\n\nQuestion: ${record.question}\n\nEnd with a last line of the form "Final Answer: <number>".` }
    ]
    const right = `${reasoning}\nFinal Answer: ${gold}`
    const wrong = `${reasoning}\nFinal Answer: ${Number(gold.replace(/,/g, '')) + 7}`
    sft.push(JSON.stringify({ prompt, completion: [{ role: 'assistant', content: right }] }))
    dpo.push(JSON.stringify({ prompt, chosen: [{ role: 'assistant', content: right }], rejected: [{ role: 'assistant', content: wrong }] }))
  }
  return { sft, dpo }
}

interface Measured {
  tokensPerSecond: number | null
  /** Without the first step (warm-up). */
  steadyTokensPerSecond: number | null
  outsideFwdBwdFraction: number | null
  mfu: number | null
  trainTokens: number
  stepSeconds: number
  steps: number
}

interface RunnerRun {
  finished: FinishedEvent
  plan: PlanEvent | null
  /** Per optimizer step: [tokens/s, seconds] from the `metrics` events (logging_steps 1). */
  perStep: [number, number][]
}

/** Steady-state tokens/s from per-step windows, leaving out the first step. */
function steadyOf(perStep: [number, number][]): number | null {
  const rest = perStep.slice(1)
  const seconds = rest.reduce((sum, [, s]) => sum + s, 0)
  return seconds > 0 ? rest.reduce((sum, [tps, s]) => sum + tps * s, 0) / seconds : null
}

const measuredOf = (run: RunnerRun): Measured => ({
  tokensPerSecond: run.finished.tokens_per_second,
  steadyTokensPerSecond: steadyOf(run.perStep),
  outsideFwdBwdFraction: run.finished.outside_fwd_bwd_fraction,
  mfu: run.finished.mfu,
  trainTokens: run.finished.train_tokens,
  stepSeconds: run.finished.train_runtime_s,
  steps: run.finished.steps
})

async function runBare(configPath: string, checkpointing: boolean, device: string, env: NodeJS.ProcessEnv): Promise<Measured> {
  const python = venvPython(process.env.MALT_PYTHON_VENV ?? join(pythonDir, '.venv'))
  const args = [join(repoRoot, 'bench', 'python', 'bare_train_loop.py'), '--config', configPath, '--checkpointing', checkpointing ? 'on' : 'off', '--device', device]
  const child = spawn(python, args, { stdio: ['ignore', 'pipe', 'pipe'], env })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)))
  const code = await new Promise<number | null>((done) => child.on('close', done))
  if (code !== 0) throw new Error(`the bare loop exited with ${code}:\n${stderr}`)
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
    steps: number
    train_tokens: number
    step_seconds: number
    tokens_per_second: number | null
    steady_tokens_per_second: number | null
    outside_fwd_bwd_fraction: number | null
    mfu: number | null
  }
  return {
    tokensPerSecond: result.tokens_per_second,
    steadyTokensPerSecond: result.steady_tokens_per_second,
    outsideFwdBwdFraction: result.outside_fwd_bwd_fraction,
    mfu: result.mfu,
    trainTokens: result.train_tokens,
    stepSeconds: result.step_seconds,
    steps: result.steps
  }
}

const fmt = (value: number | null, digits = 0) => (value === null ? '—' : value.toFixed(digits))
const pct = (value: number | null) => (value === null ? '—' : `${(100 * value).toFixed(1)}%`)
const setting = (value: Tristate): boolean | 'auto' => (value === 'auto' ? 'auto' : value === 'on')

export default async function bench(args: string[]): Promise<void> {
  const options = parseArgs(args)
  if (!existsSync(options.model)) throw new Error(`model not found: ${options.model} (npm run models:test)`)
  const env: NodeJS.ProcessEnv = { ...process.env, ...(options.peakTflops !== null ? { MALT_PEAK_TFLOPS: String(options.peakTflops) } : {}) }
  const dir = mkdtempSync(join(tmpdir(), 'malt-bench-train-'))
  const runner = new PythonRunner({ pythonDir, setupScript: join(repoRoot, 'scripts', 'setup-python.sh'), env })
  try {
    const report = await runner.environment()
    const onGpu = options.device !== 'cpu' && report.cuda_available
    const device = onGpu ? `CUDA ${report.devices[0]?.name ?? ''}` : `CPU (${report.cpu_threads ?? availableParallelism()} torch threads)`
    console.log(`train bench: ${options.model.split('/').at(-1)} on ${device}, torch ${report.torch_version}; load average ${loadavg()[0]!.toFixed(2)} on ${availableParallelism()} cores`)
    console.log(
      `  ${options.steps} steps × batch ${options.batch}, max length ${options.maxLength}, LoRA r ${options.rank} α ${2 * options.rank}; ` +
        `checkpointing ${options.checkpointing}, padding-free ${options.paddingFree}, micro-batch ${options.microBatch}, attention ${options.attention}${options.liger ? ', liger' : ''}`
    )

    const data = trainingData(options.steps * options.batch)
    writeFileSync(join(dir, 'sft.jsonl'), `${data.sft.join('\n')}\n`)
    writeFileSync(join(dir, 'dpo.jsonl'), `${data.dpo.join('\n')}\n`)
    const common = {
      base_model: options.model,
      max_steps: options.steps,
      batch_size: options.batch,
      max_length: options.maxLength,
      gradient_checkpointing: setting(options.checkpointing),
      padding_free: setting(options.paddingFree),
      micro_batch_size: options.microBatch,
      attention: options.attention,
      use_liger_kernel: options.liger,
      target_modules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'],
      device: options.device,
      export_gguf: false,
      logging_steps: 1
    }
    const sftConfig = { ...common, method: 'sft', train_file: join(dir, 'sft.jsonl'), output_dir: join(dir, 'sft'), rank: options.rank, alpha: 2 * options.rank, learning_rate: 1e-4 }
    writeFileSync(join(dir, 'sft.json'), JSON.stringify(sftConfig))

    const train = async (name: string, config: Record<string, unknown>): Promise<RunnerRun> => {
      const configPath = join(dir, `${name}.json`)
      writeFileSync(configPath, JSON.stringify(config))
      const started = Date.now()
      let plan: PlanEvent | null = null
      const perStep: [number, number][] = []
      const finished = await runner.train({
        configPath,
        logPath: join(dir, `${name}.log`),
        onEvent: (event: RunnerEvent) => {
          if (event.type === 'plan') plan = event
          if (event.type === 'progress' && event.step > 0) process.stderr.write(`  ${name} step ${event.step}/${event.total_steps}\n`)
          if (event.type === 'metrics') {
            const tps = event['perf/tokens_per_second']
            const seconds = event['perf/step_seconds']
            if (typeof tps === 'number' && typeof seconds === 'number') perStep.push([tps, seconds])
          }
        }
      })
      const how = plan as PlanEvent | null
      console.log(
        `  ${name}: done in ${((Date.now() - started) / 1000).toFixed(0)} s (loading ${finished.load_seconds.toFixed(1)} s)` +
          (how ? `; micro-batch ${how.micro_batch_size} × ${how.gradient_accumulation_steps}, checkpointing ${how.gradient_checkpointing ? 'on' : 'off'}, ${how.padding_free ? 'padding-free' : 'padded'}, ${how.attention}` : '')
      )
      return { finished, plan: how, perStep }
    }
    const sft = await train('sft', sftConfig)
    const dpo = options.dpo
      ? await train('dpo', { ...common, method: 'dpo', train_file: join(dir, 'dpo.jsonl'), output_dir: join(dir, 'dpo'), init_adapter: sft.finished.adapter_dir, learning_rate: 1e-5, beta: 0.2 })
      : null
    const legacy = options.legacy
      ? await train('legacy', { ...sftConfig, output_dir: join(dir, 'legacy'), gradient_checkpointing: true, padding_free: false, micro_batch_size: options.batch, pad_to_multiple_of: null })
      : null
    const bareStarted = Date.now()
    const checkpointed = sft.plan?.gradient_checkpointing ?? options.checkpointing === 'on'
    const bare = await runBare(join(dir, 'sft.json'), checkpointed, options.device, env)
    console.log(`  bare: done in ${((Date.now() - bareStarted) / 1000).toFixed(0)} s (checkpointing ${checkpointed ? 'on' : 'off'}, as the runner's SFT)`)

    const rows: [string, Measured | null][] = [
      ['runner SFT', measuredOf(sft)],
      ['runner DPO', dpo ? measuredOf(dpo) : null],
      ['runner SFT, legacy settings', legacy ? measuredOf(legacy) : null],
      ['bare PEFT loop (SFT shape)', bare]
    ]
    console.log('')
    console.log(`${'run'.padEnd(30)}${'tokens/s'.padStart(10)}${'steady'.padStart(9)}${'tokens'.padStart(9)}${'s/step'.padStart(9)}${'outside fwd/bwd'.padStart(17)}${'MFU'.padStart(8)}`)
    for (const [name, m] of rows) {
      if (!m) continue
      console.log(
        `${name.padEnd(30)}${fmt(m.tokensPerSecond).padStart(10)}${fmt(m.steadyTokensPerSecond).padStart(9)}${String(m.trainTokens).padStart(9)}` +
          `${fmt(m.stepSeconds / Math.max(1, m.steps), 2).padStart(9)}${pct(m.outsideFwdBwdFraction).padStart(17)}${pct(m.mfu).padStart(8)}`
      )
    }
    const ratio = (a: number | null | undefined, b: number | null | undefined) => (a != null && b != null && b > 0 ? a / b : null)
    const sftToBare = ratio(sft.finished.tokens_per_second, bare.tokensPerSecond)
    const dpoToSft = dpo ? ratio(dpo.finished.tokens_per_second, sft.finished.tokens_per_second) : null
    const sftToLegacy = legacy ? ratio(sft.finished.tokens_per_second, legacy.finished.tokens_per_second) : null
    console.log('')
    console.log(`runner SFT / bare loop: ${fmt(sftToBare, 2)}× tokens/s (above 1: the runner's choices beat the plain loop)`)
    if (dpo) console.log(`runner DPO / runner SFT: ${fmt(dpoToSft, 2)}× tokens/s (DPO also runs the reference forward in each step; its tokens are not counted)`)
    if (legacy) console.log(`runner SFT / legacy settings: ${fmt(sftToLegacy, 2)}× tokens/s`)
    console.log(
      JSON.stringify({
        model: options.model,
        device,
        steps: options.steps,
        batch: options.batch,
        maxLength: options.maxLength,
        settings: {
          checkpointing: options.checkpointing,
          paddingFree: options.paddingFree,
          microBatch: options.microBatch,
          attention: options.attention,
          liger: options.liger
        },
        plan: sft.plan,
        sft: measuredOf(sft),
        dpo: dpo ? measuredOf(dpo) : null,
        bare,
        legacy: legacy ? measuredOf(legacy) : null,
        sftToBare,
        dpoToSft,
        sftToLegacy
      })
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
