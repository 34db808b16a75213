/**
 * llama.cpp's own `llama-batched-bench` (tools/batched-bench in the source node-llama-cpp ships), the reference the
 * agents and tree benches compare with on a GPU (issue #14): N sequences of random tokens, each a `promptTokens`
 * prompt then `generatedTokens` decode steps, all N decoded in one batch per step, with no sampling and no JavaScript.
 * Its `S_TG t/s` (generated tokens per second of the decode phase) is what `bench tree`'s ceiling measures too.
 */
import { spawn } from 'node:child_process'

export interface BatchedBenchOptions {
  /** The llama-batched-bench binary, built from node-llama-cpp's llama.cpp source. */
  binary: string
  modelPath: string
  promptTokens: number
  generatedTokens: number
  /** Numbers of sequences, one row each. */
  sequences: number[]
  /** Layers on the GPU: 0 on the CPU. */
  gpuLayers: number
  flashAttention: boolean
  /** CPU threads, as the benches give node-llama-cpp. */
  threads: number
  /** All sequences start from one shared prompt (`-pps`), as the agents' siblings do. Defaults to `false`. */
  sharedPrompt?: boolean
  /** Defaults to 5 minutes. */
  timeoutMs?: number
}

/** One row of llama-batched-bench's results (its `--output-format jsonl`). */
export interface BatchedBenchRow {
  promptTokens: number
  generatedTokens: number
  sequences: number
  /** Prompt tokens per second of the prefill. */
  promptTokensPerSecond: number
  /** Generated tokens per second of the decode phase, all sequences together (`S_TG t/s`). */
  generationTokensPerSecond: number
  generationSeconds: number
  gpuLayers: number
  flashAttention: number
}

/** KV cells per sequence, rounded up as llama.cpp pads contexts. */
const cellGranularity = 256

/** The command line for `options`, with a context just big enough for the largest row. */
export function batchedBenchArgs(options: BatchedBenchOptions): string[] {
  const largest = Math.max(...options.sequences)
  const perSequence = Math.ceil((options.promptTokens + options.generatedTokens + 1) / cellGranularity) * cellGranularity
  return [
    '-m', options.modelPath,
    '-c', String(largest * perSequence),
    '-b', '2048',
    '-ub', '512',
    '-npp', String(options.promptTokens),
    '-ntg', String(options.generatedTokens),
    '-npl', options.sequences.join(','),
    '-ngl', String(options.gpuLayers),
    '-fa', options.flashAttention ? 'on' : 'off',
    '-t', String(options.threads),
    ...(options.sharedPrompt ? ['-pps'] : []),
    '--output-format', 'jsonl'
  ]
}

/** The result rows in llama-batched-bench's output (other log lines are skipped). */
export function parseBatchedBenchOutput(output: string): BatchedBenchRow[] {
  const rows: BatchedBenchRow[] = []
  for (const line of output.split('\n')) {
    const trimmed = line.trim()
    if (!trimmed.startsWith('{') || !trimmed.includes('"speed_tg"')) continue
    let record: Record<string, unknown>
    try {
      record = JSON.parse(trimmed) as Record<string, unknown>
    } catch {
      throw new Error(`llama-batched-bench printed a result line that is not JSON: ${trimmed.slice(0, 200)}`)
    }
    const number = (key: string): number => {
      const value = record[key]
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`llama-batched-bench result without a numeric '${key}': ${trimmed.slice(0, 200)}`)
      return value
    }
    rows.push({
      promptTokens: number('pp'),
      generatedTokens: number('tg'),
      sequences: number('pl'),
      promptTokensPerSecond: number('speed_pp'),
      generationTokensPerSecond: number('speed_tg'),
      generationSeconds: number('t_tg'),
      gpuLayers: number('n_gpu_layers'),
      flashAttention: number('flash_attn')
    })
  }
  return rows
}

/** Runs llama-batched-bench; every requested number of sequences must come back (it skips rows that do not fit). */
export async function runLlamaBatchedBench(options: BatchedBenchOptions): Promise<BatchedBenchRow[]> {
  const args = batchedBenchArgs(options)
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(options.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let text = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (text = (text + chunk).slice(-200_000)))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000)
    child.once('error', (error) => {
      clearTimeout(timer)
      reject(new Error(`cannot run ${options.binary}: ${error.message}`))
    })
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolve(text)
      else reject(new Error(`${options.binary} ${signal ? `was killed by ${signal}` : `exited with code ${code}`}:\n${text.split('\n').slice(-15).join('\n')}`))
    })
  })
  const rows = parseBatchedBenchOutput(output)
  const missing = options.sequences.filter((count) => !rows.some((row) => row.sequences === count))
  if (missing.length > 0) throw new Error(`llama-batched-bench returned no row for ${missing.join(', ')} sequences:\n${output.split('\n').slice(-15).join('\n')}`)
  return rows
}
