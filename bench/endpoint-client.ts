/**
 * What the `openai` client costs per request: the endpoint engine's client (OpenAiEndpointClient: openai + p-limit +
 * reply checks) against a bare `fetch` of the same JSON, on the same llama-server, in one process.
 *
 *   npm run bench -- endpoint-client [--model .models/tiny/tiny-llama.gguf] [--requests 200] [--concurrency 1,8] [--max-tokens 1]
 *
 * It starts the llama-server that scripts/build-llama-server.mjs built, on the tiny model by default, so generation
 * is cheap and the client's own overhead shows. Alternates the two clients in rounds so drifting load hits both.
 */
import { spawn } from 'node:child_process'
import { availableParallelism, loadavg } from 'node:os'
import { join } from 'node:path'
import { OpenAiEndpointClient } from '../src/main/adapters/endpoint/OpenAiEndpointClient'
import { endpointSpecSchema } from '../src/shared/api/schemas/endpoints'
import { llamaBinary } from './_llamaBinary'

export default async function endpointClient(args: string[]): Promise<void> {
  const option = (name: string, fallback: string) => {
    const index = args.indexOf(`--${name}`)
    return index >= 0 && args[index + 1] ? args[index + 1]! : fallback
  }
  const modelPath = option('model', join(import.meta.dirname, '..', '.models', 'tiny', 'tiny-llama.gguf'))
  const requests = Number(option('requests', '200'))
  const concurrencies = option('concurrency', '1,8').split(',').map(Number)
  const maxTokens = Number(option('max-tokens', '1'))
  const binary = llamaBinary('llama-server')

  console.log(`endpoint client benchmark: ${modelPath}, ${requests} requests per client and concurrency, max_tokens ${maxTokens}`)
  console.log(`${availableParallelism()} cores, load average ${loadavg().map((each) => each.toFixed(2)).join(' ')}`)
  const server = spawn(binary, ['--model', modelPath, '--host', '127.0.0.1', '--port', '0', '--alias', 'm', '--threads', '1', '--parallel', String(Math.max(...concurrencies)), '--ctx-size', String(512 * Math.max(...concurrencies)), '--no-warmup'], { stdio: ['ignore', 'pipe', 'pipe'] })
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let log = ''
      const onData = (chunk: Buffer) => {
        log += chunk.toString()
        const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(log)
        if (match) resolve(Number(match[1]))
      }
      server.stdout.on('data', onData)
      server.stderr.on('data', onData)
      server.once('exit', (code) => reject(new Error(`llama-server exited (${code}):\n${log.slice(-2000)}`)))
    })
    const root = `http://127.0.0.1:${port}`
    while (!(await fetch(`${root}/health`).then((response) => response.ok, () => false))) await new Promise((resolve) => setTimeout(resolve, 100))

    const client = new OpenAiEndpointClient({ spec: endpointSpecSchema.parse({ name: 'bench', baseUrl: `${root}/v1`, servedModel: 'm', maxInFlight: 1024 }) })
    const messages = [{ role: 'user' as const, content: 'Say something.' }]
    const viaClient = () => client.complete({ model: 'm', messages, temperature: 0, topP: 1, maxTokens, seed: 1 }).then((reply) => reply.completionTokens)
    const viaFetch = async () => {
      const response = await fetch(`${root}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'm', messages, temperature: 0, top_p: 1, max_tokens: maxTokens, seed: 1, n: 1 })
      })
      const body = (await response.json()) as { usage: { completion_tokens: number } }
      return body.usage.completion_tokens
    }
    await Promise.all([viaClient(), viaFetch()]) // warm both connections

    const results: Record<string, number> = {}
    for (const concurrency of concurrencies) {
      const time = { client: 0, fetch: 0 }
      const rounds = 4
      for (let round = 0; round < rounds; round++) {
        for (const [name, call] of [['client', viaClient], ['fetch', viaFetch]] as const) {
          const started = performance.now()
          let next = 0
          const worker = async () => {
            while (next < requests / rounds) {
              next++
              await call()
            }
          }
          await Promise.all(Array.from({ length: concurrency }, worker))
          time[name] += performance.now() - started
        }
      }
      const perRequest = (ms: number) => ms / requests
      console.log(
        `concurrency ${concurrency}: openai client ${perRequest(time.client).toFixed(2)} ms/request, bare fetch ${perRequest(time.fetch).toFixed(2)} ms/request ` +
          `(client / fetch ${(time.client / time.fetch).toFixed(2)})`
      )
      results[`client_ms_c${concurrency}`] = Math.round(perRequest(time.client) * 100) / 100
      results[`fetch_ms_c${concurrency}`] = Math.round(perRequest(time.fetch) * 100) / 100
    }
    console.log(JSON.stringify(results))
  } finally {
    server.kill('SIGTERM')
  }
}
