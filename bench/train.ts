/**
 * Training throughput of the Python runner on the CPU (or CUDA when present), against a bare PyTorch loop measured
 * in the same run.
 *
 *   npm run bench -- train [--model PATH] [--steps 2] [--batch 8] [--max-length 256] [--rank 16] [--no-checkpointing]
 *
 * Data: GSM8K train questions in the generator's chat shape (system + user prompt, the reference solution as the
 * completion); DPO pairs take that solution as chosen and the same solution with a wrong final answer as rejected.
 * Runs, one after the other, each a fresh process:
 * - SFT:  `malt_runner train` (trl SFTTrainer, LoRA r/α 16/32 on all 7 projections, batch 8 as in the paper);
 * - DPO:  `malt_runner train` starting from that SFT adapter (trl DPOTrainer, β 0.2; the frozen copy is the reference);
 * - bare: bench/python/bare_train_loop.py: the SFT job's model, LoRA, examples, batch and AdamW in a plain
 *         forward/backward/step loop (no trl, no Trainer), the ceiling the runner's SFT could reach.
 * Tokens are non-padding tokens fed to the policy's forward pass (DPO: chosen + rejected), per second of optimizer-
 * step wall time; "outside" is the share of that time not spent in forward+backward (data collation, the optimizer,
 * logging; trl computes its extra metrics and DPO's reference forward inside the timed training step, so they count
 * as forward/backward). Gradient checkpointing is on, as the runner's default, in all
 * three (--no-checkpointing: off in all three; without it a batch of 8 × 512 tokens takes over 10 GB on the CPU).
 * The defaults are small because on 2 CPU cores one step of SmolLM2-135M at batch 8 takes tens of seconds.
 * Nothing is asserted; other processes may share this machine. The last line is one JSON object.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, availableParallelism, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PythonRunner, venvPython } from '../src/main/adapters/python/PythonRunner'
import type { FinishedEvent } from '../src/main/services/ports/runnerEvents'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const pythonDir = join(repoRoot, 'resources', 'python')

interface Options {
  model: string
  steps: number
  batch: number
  maxLength: number
  rank: number
  checkpointing: boolean
}

function parseArgs(args: string[]): Options {
  const value = (flag: string, fallback: string) => {
    const index = args.indexOf(flag)
    return index >= 0 && args[index + 1] ? args[index + 1]! : fallback
  }
  return {
    model: resolve(value('--model', join(repoRoot, '.models', 'SmolLM2-135M-Instruct.Q4_1.gguf'))),
    steps: Number(value('--steps', '2')),
    batch: Number(value('--batch', '8')),
    maxLength: Number(value('--max-length', '256')),
    rank: Number(value('--rank', '16')),
    checkpointing: !args.includes('--no-checkpointing')
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
  outsideFwdBwdFraction: number | null
  trainTokens: number
  stepSeconds: number
  steps: number
}

const measuredOf = (finished: FinishedEvent): Measured => ({
  tokensPerSecond: finished.tokens_per_second,
  outsideFwdBwdFraction: finished.outside_fwd_bwd_fraction,
  trainTokens: finished.train_tokens,
  stepSeconds: finished.train_runtime_s,
  steps: finished.steps
})

async function runBare(configPath: string): Promise<Measured> {
  const python = venvPython(process.env.MALT_PYTHON_VENV ?? join(pythonDir, '.venv'))
  const child = spawn(python, [join(repoRoot, 'bench', 'python', 'bare_train_loop.py'), '--config', configPath], { stdio: ['ignore', 'pipe', 'pipe'] })
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
    outside_fwd_bwd_fraction: number | null
  }
  return {
    tokensPerSecond: result.tokens_per_second,
    outsideFwdBwdFraction: result.outside_fwd_bwd_fraction,
    trainTokens: result.train_tokens,
    stepSeconds: result.step_seconds,
    steps: result.steps
  }
}

const fmt = (value: number | null, digits = 0) => (value === null ? '—' : value.toFixed(digits))
const pct = (value: number | null) => (value === null ? '—' : `${(100 * value).toFixed(1)}%`)

export default async function bench(args: string[]): Promise<void> {
  const options = parseArgs(args)
  if (!existsSync(options.model)) throw new Error(`model not found: ${options.model} (npm run models:test)`)
  const dir = mkdtempSync(join(tmpdir(), 'malt-bench-train-'))
  const runner = new PythonRunner({ pythonDir, setupScript: join(repoRoot, 'scripts', 'setup-python.sh') })
  try {
    const report = await runner.environment()
    const device = report.cuda_available ? `CUDA ${report.devices[0]?.name ?? ''}` : `CPU (${report.cpu_threads ?? availableParallelism()} torch threads)`
    console.log(`train bench: ${options.model.split('/').at(-1)} on ${device}, torch ${report.torch_version}; load average ${loadavg()[0]!.toFixed(2)} on ${availableParallelism()} cores`)
    console.log(`  ${options.steps} steps × batch ${options.batch}, max length ${options.maxLength}, LoRA r ${options.rank} α ${2 * options.rank}, gradient checkpointing ${options.checkpointing ? 'on' : 'off'}`)

    const data = trainingData(options.steps * options.batch)
    writeFileSync(join(dir, 'sft.jsonl'), `${data.sft.join('\n')}\n`)
    writeFileSync(join(dir, 'dpo.jsonl'), `${data.dpo.join('\n')}\n`)
    const common = {
      base_model: options.model,
      max_steps: options.steps,
      batch_size: options.batch,
      max_length: options.maxLength,
      gradient_checkpointing: options.checkpointing,
      target_modules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'],
      device: 'auto',
      export_gguf: false,
      logging_steps: 1
    }
    const sftConfig = { ...common, method: 'sft', train_file: join(dir, 'sft.jsonl'), output_dir: join(dir, 'sft'), rank: options.rank, alpha: 2 * options.rank, learning_rate: 1e-4 }
    writeFileSync(join(dir, 'sft.json'), JSON.stringify(sftConfig))

    const train = async (name: string, configPath: string) => {
      const started = Date.now()
      const finished = await runner.train({
        configPath,
        logPath: join(dir, `${name}.log`),
        onEvent: (event) => {
          if (event.type === 'progress' && event.step > 0) process.stderr.write(`  ${name} step ${event.step}/${event.total_steps}\n`)
        }
      })
      console.log(`  ${name}: done in ${((Date.now() - started) / 1000).toFixed(0)} s (loading ${finished.load_seconds.toFixed(1)} s)`)
      return finished
    }
    const sft = await train('sft', join(dir, 'sft.json'))
    const dpoConfig = { ...common, method: 'dpo', train_file: join(dir, 'dpo.jsonl'), output_dir: join(dir, 'dpo'), init_adapter: sft.adapter_dir, learning_rate: 1e-5, beta: 0.2 }
    writeFileSync(join(dir, 'dpo.json'), JSON.stringify(dpoConfig))
    const dpo = await train('dpo', join(dir, 'dpo.json'))
    const bareStarted = Date.now()
    const bare = await runBare(join(dir, 'sft.json'))
    console.log(`  bare: done in ${((Date.now() - bareStarted) / 1000).toFixed(0)} s`)

    const rows: [string, Measured][] = [
      ['runner SFT', measuredOf(sft)],
      ['runner DPO', measuredOf(dpo)],
      ['bare PyTorch loop (SFT shape)', bare]
    ]
    console.log('')
    console.log(`${'run'.padEnd(32)}${'tokens/s'.padStart(10)}${'tokens'.padStart(9)}${'s/step'.padStart(9)}${'outside fwd/bwd'.padStart(17)}`)
    for (const [name, m] of rows) {
      console.log(`${name.padEnd(32)}${fmt(m.tokensPerSecond).padStart(10)}${String(m.trainTokens).padStart(9)}${fmt(m.stepSeconds / Math.max(1, m.steps), 2).padStart(9)}${pct(m.outsideFwdBwdFraction).padStart(17)}`)
    }
    const ratio = (a: number | null, b: number | null) => (a !== null && b !== null && b > 0 ? a / b : null)
    const sftToBare = ratio(sft.tokens_per_second, bare.tokensPerSecond)
    const dpoToSft = ratio(dpo.tokens_per_second, sft.tokens_per_second)
    console.log('')
    console.log(`runner SFT / bare loop: ${fmt(sftToBare, 2)}× tokens/s (1.00 = no overhead from trl and the runner)`)
    console.log(`runner DPO / runner SFT: ${fmt(dpoToSft, 2)}× tokens/s (DPO also runs the reference forward in each step; its tokens are not counted)`)
    console.log(
      JSON.stringify({
        model: options.model,
        device,
        steps: options.steps,
        batch: options.batch,
        maxLength: options.maxLength,
        gradientCheckpointing: options.checkpointing,
        sft: measuredOf(sft),
        dpo: measuredOf(dpo),
        bare,
        sftToBare,
        dpoToSft
      })
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
