import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { AppError } from '@shared/errors'
import { defaultModelUri, downloadModel, type DownloadProgress } from '../../src/main/adapters/llm/downloadModel'
import { makeTempDir } from '../support/paths'

/**
 * The first-run download through node-llama-cpp's downloader, against local servers standing in for the
 * Hugging Face hub (this machine cannot reach it): one that refuses connections, one that never answers, and one
 * that serves a manifest and a file.
 */

const temp = makeTempDir('malt-download-')
const servers: Server[] = []
const sockets = new Set<Socket>()

afterAll(async () => {
  for (const socket of sockets) socket.destroy()
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))))
  temp.cleanup()
})

async function serve(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<string> {
  const server = createServer(handler)
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught
  )
  expect(error).toBeInstanceOf(AppError)
  return error as AppError
}

describe('downloadModel', () => {
  it('defaults to the paper’s small model', () => {
    expect(defaultModelUri).toBe('hf:Qwen/Qwen2.5-1.5B-Instruct-GGUF:Q4_K_M')
  })

  it('fails at once with unavailable when the hub refuses connections', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))

    const startedAt = Date.now()
    const error = await failure(downloadModel({ directory: temp.dir, huggingFaceEndpoint: `http://127.0.0.1:${port}/`, stallTimeoutMs: 20_000 }))
    expect(error.code).toBe('unavailable')
    expect(error.message).toContain(defaultModelUri)
    expect(Date.now() - startedAt).toBeLessThan(15_000)
  })

  it('fails with unavailable when the hub accepts but never answers, instead of hanging', async () => {
    const silent = await serve(() => undefined)
    const error = await failure(downloadModel({ directory: temp.dir, huggingFaceEndpoint: silent, stallTimeoutMs: 300 }))
    expect(error.code).toBe('unavailable')
    expect(error.message).toContain('no answer for 300 ms')
  })

  it('stops with cancelled when its signal aborts', async () => {
    const silent = await serve(() => undefined)
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 100)
    const error = await failure(downloadModel({ directory: temp.dir, huggingFaceEndpoint: silent, signal: controller.signal }))
    expect(error.code).toBe('cancelled')
  })

  it('downloads from a hub that answers, reporting progress', async () => {
    const body = Buffer.alloc(3 * 1024 * 1024, 7)
    body.write('GGUF', 0, 'latin1')
    const hub = await serve((request, response) => {
      const url = request.url ?? ''
      if (url.startsWith('/v2/malt/tiny-GGUF/manifests/')) {
        response.writeHead(200, { 'content-type': 'application/json' })
        response.end(JSON.stringify({ ggufFile: { rfilename: 'tiny.Q8_0.gguf' } }))
        return
      }
      if (url.startsWith('/malt/tiny-GGUF/resolve/main/tiny.Q8_0.gguf')) {
        const range = /bytes=(\d+)-(\d*)/.exec(request.headers.range ?? '')
        const start = range ? Number(range[1]) : 0
        const end = range && range[2] ? Number(range[2]) + 1 : body.length
        const headers = { 'content-length': String(end - start), 'accept-ranges': 'bytes', 'content-type': 'application/octet-stream' }
        if (range) response.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${end - 1}/${body.length}` })
        else response.writeHead(200, headers)
        if (request.method === 'HEAD') {
          response.end()
          return
        }
        // Slowly, in pieces, so progress is reported more than once.
        let offset = start
        const timer = setInterval(() => {
          const next = Math.min(end, offset + 256 * 1024)
          response.write(body.subarray(offset, next))
          offset = next
          if (offset >= end) {
            clearInterval(timer)
            response.end()
          }
        }, 20)
        response.on('close', () => clearInterval(timer))
        return
      }
      response.writeHead(404).end()
    })

    const progress: DownloadProgress[] = []
    const directory = `${temp.dir}/models`
    const path = await downloadModel({
      modelUri: 'hf:malt/tiny-GGUF:Q8_0',
      directory,
      huggingFaceEndpoint: hub,
      stallTimeoutMs: 5_000,
      onProgress: (each) => progress.push(each)
    })
    expect(existsSync(path)).toBe(true)
    expect(readFileSync(path).equals(body)).toBe(true)
    // Only the finished file is left (no temporary parts).
    expect(readdirSync(directory)).toEqual([basename(path)])
    expect(basename(path)).toMatch(/tiny\.Q8_0\.gguf$/)
    expect(progress.length).toBeGreaterThan(1)
    const last = progress[progress.length - 1]!
    expect(last.totalBytes).toBe(body.length)
    expect(last.downloadedBytes).toBe(body.length)
    expect(progress.some((each) => each.downloadedBytes > 0 && each.downloadedBytes < body.length && each.bytesPerSecond > 0)).toBe(true)
  })
})
