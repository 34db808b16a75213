import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/**
 * What the proxy does with one request: pass it to the real server, answer with an error status itself, drop the
 * connection without answering, or hold it unanswered (until the client gives up or the proxy closes).
 */
export type Fault = { kind: 'pass' } | { kind: 'status'; status: number; retryAfter?: string; body?: string } | { kind: 'reset' } | { kind: 'hang' }

export interface FaultProxy {
  /** `http://127.0.0.1:PORT/v1`: the real server's API, through the proxy. */
  baseUrl: string
  /** Every request seen, in order: `POST /v1/chat/completions → 503`. */
  readonly seen: string[]
  /** The most requests to `path` that were open at once. */
  maxConcurrent(): number
  close(): Promise<void>
}

/**
 * A tiny HTTP proxy in front of a real llama-server that injects faults: the boundary fake for a server under load or
 * crashing, while every request it passes is answered by the real server. `plan` picks each request's fault from its
 * 0-based index among the requests to `path`.
 */
export async function startFaultProxy(target: string, plan: (index: number, request: IncomingMessage) => Fault, path = '/v1/chat/completions'): Promise<FaultProxy> {
  const upstream = new URL(target)
  const seen: string[] = []
  const sockets = new Set<Socket>()
  let index = 0
  let open = 0
  let maxOpen = 0
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const watched = request.url === path
    const fault = watched ? plan(index++, request) : { kind: 'pass' as const }
    if (watched) {
      open++
      maxOpen = Math.max(maxOpen, open)
      let closed = false
      const close = () => {
        if (!closed) open--
        closed = true
      }
      response.once('close', close)
      request.socket.once('close', close)
    }
    const label = `${request.method} ${request.url}`
    if (fault.kind === 'reset') {
      seen.push(`${label} → reset`)
      request.socket.destroy()
      return
    }
    if (fault.kind === 'hang') {
      seen.push(`${label} → hang`)
      return
    }
    if (fault.kind === 'status') {
      seen.push(`${label} → ${fault.status}`)
      request.resume()
      response.writeHead(fault.status, { 'content-type': 'application/json', ...(fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {}) })
      response.end(fault.body ?? JSON.stringify({ error: { message: `injected ${fault.status}`, type: 'server_error' } }))
      return
    }
    const forwarded = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers: request.headers },
      (answer) => {
        seen.push(`${label} → ${answer.statusCode}`)
        response.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(response)
      }
    )
    forwarded.on('error', () => {
      seen.push(`${label} → upstream error`)
      request.socket.destroy()
    })
    request.pipe(forwarded)
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    seen,
    maxConcurrent: () => maxOpen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
}
