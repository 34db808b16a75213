import { timingSafeEqual } from 'node:crypto'
import { existsSync, readFileSync, statSync } from 'node:fs'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, relative, resolve, sep } from 'node:path'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import type { WebSocket } from 'ws'
import { httpApiPrefix, webSocketPath } from '@shared/api/channels'
import type { AppErrorCode } from '@shared/errors'
import { AppError, serializeError } from '@shared/errors'
import { dispatchCall } from '../api/dispatchCall'
import type { Workbench } from '../app/Workbench'
import { contentSecurityPolicy } from './contentSecurityPolicy'

export interface WorkbenchServerOptions {
  /** Defaults to `127.0.0.1`. Any other address requires a token. */
  host?: string
  /** Defaults to `8765`; 0 picks a free port. */
  port?: number
  /** Required when binding beyond loopback; clients send it as `Authorization: Bearer …` or `?token=`. */
  token?: string
  /** The built renderer (`out/renderer`). */
  rendererDir: string
  /** Largest accepted request body. Defaults to 256 MiB (dataset uploads travel base64-encoded). */
  maxBodyBytes?: number
}

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '::1'])

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2'
}

const statusOfCode: Partial<Record<AppErrorCode, number>> = {
  invalid_input: 400,
  bad_file: 400,
  adapter_mismatch: 400,
  unauthorized: 401,
  not_found: 404,
  conflict: 409,
  cancelled: 409,
  database_too_new: 409,
  unavailable: 503,
  environment_missing: 503,
  disk_full: 507
}

/**
 * Headless serve mode: the built renderer over HTTP, the workbench API as `POST /api/<method>` and its events over a
 * WebSocket at `/events`, for GPU servers without a screen. Loopback-only unless a token is set. Requests must be
 * JSON from the page's own origin, which keeps other web sites (and DNS rebinding) away from a loopback server.
 */
export class WorkbenchServer {
  private readonly http: Server
  private readonly sockets: WebSocketServer
  private readonly unsubscribe: () => void
  private readonly host: string
  private readonly maxBodyBytes: number

  private constructor(
    private readonly workbench: Workbench,
    private readonly options: WorkbenchServerOptions
  ) {
    this.host = options.host ?? '127.0.0.1'
    this.maxBodyBytes = options.maxBodyBytes ?? 256 * 1024 * 1024
    if (!loopbackHosts.has(this.host) && !options.token) {
      throw new AppError('invalid_input', `binding to ${this.host} exposes the workbench to the network: set a token (--token or MALT_SERVE_TOKEN)`, {
        field: 'token'
      })
    }
    if (!existsSync(join(options.rendererDir, 'index.html'))) {
      throw new AppError('unavailable', `the renderer is not built (${join(options.rendererDir, 'index.html')} is missing): run npm run build`)
    }
    this.http = createServer((request, response) => void this.handle(request, response))
    this.sockets = new WebSocketServer({ noServer: true, maxPayload: 1024 })
    this.http.on('upgrade', (request, socket, head) => this.upgrade(request, socket, head))
    this.unsubscribe = workbench.events.subscribe((event) => {
      const message = JSON.stringify(event)
      for (const client of this.sockets.clients) if (client.readyState === client.OPEN) client.send(message)
    })
  }

  static async start(workbench: Workbench, options: WorkbenchServerOptions): Promise<WorkbenchServer> {
    const server = new WorkbenchServer(workbench, options)
    await new Promise<void>((resolvePromise, reject) => {
      server.http.once('error', reject)
      server.http.listen(options.port ?? 8765, server.host, () => {
        server.http.off('error', reject)
        resolvePromise()
      })
    })
    return server
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port
  }

  get url(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host
    return `http://${host}:${this.port}/${this.options.token ? `?token=${encodeURIComponent(this.options.token)}` : ''}`
  }

  async close(): Promise<void> {
    this.unsubscribe()
    for (const client of this.sockets.clients) client.terminate()
    this.sockets.close()
    await new Promise<void>((resolvePromise) => this.http.close(() => resolvePromise()))
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      this.assertHostAllowed(request)
      const url = new URL(request.url ?? '/', 'http://localhost')
      if (url.pathname.startsWith(httpApiPrefix)) {
        await this.handleApi(request, response, decodeURIComponent(url.pathname.slice(httpApiPrefix.length)))
        return
      }
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        this.send(response, 405, 'text/plain; charset=utf-8', 'method not allowed')
        return
      }
      this.serveStatic(url.pathname, response, request.method === 'HEAD')
    } catch (error) {
      this.sendError(response, error)
    }
  }

  private async handleApi(request: IncomingMessage, response: ServerResponse, methodId: string): Promise<void> {
    if (request.method !== 'POST') throw new AppError('invalid_input', 'API calls are POST requests')
    this.assertAuthorized(request, null)
    this.assertSameOrigin(request)
    // A JSON content type cannot be sent cross-site without a CORS preflight, which this server never grants.
    if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
      throw new AppError('invalid_input', 'API calls must send Content-Type: application/json')
    }
    const body = await this.readBody(request)
    let input: unknown
    try {
      input = body.length === 0 ? undefined : JSON.parse(body.toString('utf8'))
    } catch {
      throw new AppError('invalid_input', 'the request body is not valid JSON')
    }
    const result = await dispatchCall(this.workbench.handlers, methodId, input === null ? undefined : input)
    this.send(response, 200, 'application/json; charset=utf-8', JSON.stringify({ ok: true, result: result ?? null }))
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    try {
      this.assertHostAllowed(request)
      const url = new URL(request.url ?? '/', 'http://localhost')
      if (url.pathname !== webSocketPath) throw new AppError('not_found', 'no such socket')
      this.assertAuthorized(request, url.searchParams.get('token'))
      this.assertSameOrigin(request)
    } catch (error) {
      const status = statusOfCode[serializeError(error).code] ?? 400
      socket.end(`HTTP/1.1 ${status} Refused\r\nConnection: close\r\n\r\n`)
      return
    }
    this.sockets.handleUpgrade(request, socket, head, (client: WebSocket) => {
      client.send(JSON.stringify({ type: 'log', level: 'info', source: 'serve', message: 'connected', time: new Date().toISOString() }))
    })
  }

  private serveStatic(pathname: string, response: ServerResponse, headOnly: boolean): void {
    const root = resolve(this.options.rendererDir)
    const decoded = decodeURIComponent(pathname)
    let file = resolve(root, `.${decoded}`)
    const inside = relative(root, file)
    if (inside.split(sep).includes('..')) throw new AppError('not_found', 'no such file')
    // Client-side routes fall back to the app shell.
    if (!existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html')
    const type = contentTypes[extname(file)] ?? 'application/octet-stream'
    const body = readFileSync(file)
    response.setHeader('Cache-Control', extname(file) === '.html' ? 'no-store' : 'public, max-age=3600')
    this.send(response, 200, type, headOnly ? '' : body)
  }

  private send(response: ServerResponse, status: number, type: string, body: string | Buffer): void {
    response.statusCode = status
    response.setHeader('Content-Type', type)
    response.setHeader('Content-Security-Policy', contentSecurityPolicy)
    response.setHeader('X-Content-Type-Options', 'nosniff')
    response.setHeader('Referrer-Policy', 'no-referrer')
    response.setHeader('X-Frame-Options', 'DENY')
    response.end(body)
  }

  private sendError(response: ServerResponse, error: unknown): void {
    const serialized = serializeError(error)
    const status = statusOfCode[serialized.code] ?? 500
    if (response.headersSent) {
      response.end()
      return
    }
    this.send(response, status, 'application/json; charset=utf-8', JSON.stringify({ ok: false, error: serialized }))
  }

  private readBody(request: IncomingMessage): Promise<Buffer> {
    return new Promise((resolveBody, reject) => {
      const chunks: Buffer[] = []
      let size = 0
      request.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > this.maxBodyBytes) {
          reject(new AppError('invalid_input', `request body over ${this.maxBodyBytes} bytes`))
          request.destroy()
          return
        }
        chunks.push(chunk)
      })
      request.on('end', () => resolveBody(Buffer.concat(chunks)))
      request.on('error', reject)
    })
  }

  /** On loopback without a token, only loopback host names: a rebinding attacker's domain name is refused. */
  private assertHostAllowed(request: IncomingMessage): void {
    if (this.options.token) return
    const hostHeader = request.headers.host ?? ''
    const hostname = hostHeader.startsWith('[') ? hostHeader.slice(1, hostHeader.indexOf(']')) : hostHeader.split(':')[0]!
    if (!loopbackHosts.has(hostname)) throw new AppError('unauthorized', `host '${hostHeader}' is not served here`)
  }

  private assertAuthorized(request: IncomingMessage, queryToken: string | null): void {
    const expected = this.options.token
    if (!expected) return
    const header = request.headers.authorization ?? ''
    const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : (queryToken ?? '')
    const a = Buffer.from(given)
    const b = Buffer.from(expected)
    if (a.length !== b.length || !timingSafeEqual(a, b)) throw new AppError('unauthorized', 'missing or wrong token')
  }

  /** Browsers always send Origin on cross-site requests; when present it must be this server's own. */
  private assertSameOrigin(request: IncomingMessage): void {
    const origin = request.headers.origin
    if (!origin) return
    let originHost: string
    try {
      originHost = new URL(origin).host
    } catch {
      throw new AppError('unauthorized', `origin '${origin}' refused`)
    }
    if (originHost !== request.headers.host) throw new AppError('unauthorized', `origin '${origin}' refused`)
  }
}
