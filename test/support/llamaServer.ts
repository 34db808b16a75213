import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { repoRoot } from './paths'

/**
 * The real llama.cpp `llama-server` that scripts/build-llama-server.mjs builds from node-llama-cpp's own llama.cpp
 * source. A missing build fails the test with the command that makes it, rather than skipping.
 */
export function llamaServerBinary(): string {
  const result = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build-llama-server.mjs'), '--no-build'], { encoding: 'utf8' })
  if (result.status !== 0) {
    throw new Error(`llama-server is not built: run \`node scripts/build-llama-server.mjs\` (npm test does): ${result.stderr.trim()}`)
  }
  return result.stdout.trim().split('\n').at(-1)!
}

/** llama-batched-bench from the same build. */
export function llamaBatchedBenchBinary(): string {
  return join(llamaServerBinary(), '..', process.platform === 'win32' ? 'llama-batched-bench.exe' : 'llama-batched-bench')
}

export interface LlamaServerOptions {
  model: string
  /** LoRA files, loaded at scale 0 (`--lora-init-without-apply`) and numbered from 0 in this order. */
  loras?: string[]
  /** Defaults to `0`: any free port (read back from the server's log). */
  port?: number
  /** Parallel slots. Defaults to `4`. */
  parallel?: number
  /** Context per slot in tokens. Defaults to `1024`. */
  contextPerSlot?: number
  /** CPU threads; the machine is shared. Defaults to `1`. */
  threads?: number
  /** Model name in replies and `/v1/models`. Defaults to `tiny`. */
  alias?: string
  extraArgs?: string[]
}

export interface RunningLlamaServer {
  /** `http://127.0.0.1:PORT/v1`, what an endpoint's base URL is. */
  baseUrl: string
  port: number
  process: ChildProcess
  /** Everything the server printed, for failure messages. */
  log(): string
  /** SIGKILL, and wait for the exit. */
  kill(): Promise<void>
  /** SIGTERM (SIGKILL after 10 s), and wait for the exit. */
  stop(): Promise<void>
}

/** Starts llama-server and resolves once `/health` answers 200 (the model is loaded). */
export async function startLlamaServer(options: LlamaServerOptions): Promise<RunningLlamaServer> {
  const parallel = options.parallel ?? 4
  const args = [
    '--model', options.model,
    '--host', '127.0.0.1',
    '--port', String(options.port ?? 0),
    '--alias', options.alias ?? 'tiny',
    '--threads', String(options.threads ?? 1),
    '--threads-batch', String(options.threads ?? 1),
    '--threads-http', '2',
    '--parallel', String(parallel),
    '--ctx-size', String((options.contextPerSlot ?? 1024) * parallel),
    // llama-server's RAM prompt cache restores a prompt into another slot without regard to the adapter it was
    // computed under; off, so a role's output never depends on what another role ran before it.
    '--cache-ram', '0',
    '--no-warmup',
    ...(options.loras ?? []).flatMap((file) => ['--lora', file]),
    ...(options.loras?.length ? ['--lora-init-without-apply'] : []),
    ...(options.extraArgs ?? [])
  ]
  const child = spawn(llamaServerBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)
      if (match) resolve(Number(match[1]))
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code, signal) => reject(new Error(`llama-server exited (${code ?? signal}) before listening:\n${output.slice(-3000)}`)))
    child.once('error', reject)
  })
  const root = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 120_000
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`llama-server exited while loading:\n${output.slice(-3000)}`)
    const healthy = await fetch(`${root}/health`).then((response) => response.ok, () => false)
    if (healthy) break
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`llama-server did not become healthy within 120 s:\n${output.slice(-3000)}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const running = () => child.exitCode === null && child.signalCode === null
  return {
    baseUrl: `${root}/v1`,
    port,
    process: child,
    log: () => output,
    kill: async () => {
      if (running()) child.kill('SIGKILL')
      await exited
    },
    stop: async () => {
      if (running()) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => running() && child.kill('SIGKILL'), 10_000)
        await exited
        clearTimeout(timer)
      }
      await exited
    }
  }
}
