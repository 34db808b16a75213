import { httpApiPrefix, webSocketPath } from '@shared/api/channels'
import type { WireResult } from '@shared/api/channels'
import type { WorkbenchEvent, WorkbenchEventListener } from '@shared/api/events'
import { createClient } from '@shared/api/procedure'
import type { WorkbenchApi, WorkbenchMethodId } from '@shared/api/workbenchApi'
import { workbenchApiSpec } from '@shared/api/workbenchApi'
import { AppError, isAppErrorCode } from '@shared/errors'
import type { MaltBridge } from '../../../preload/bridge'

declare global {
  interface Window {
    maltBridge?: MaltBridge
  }
}

export type ConnectionState = 'connecting' | 'open' | 'closed'

/**
 * The renderer's one API object. In the desktop app it goes through the preload bridge (IPC); in a browser
 * (`malt serve`) through HTTP for calls and a WebSocket for events. Both unwrap wire results into values or
 * AppErrors with their codes, so pages never know which transport they run on.
 */
export function createWorkbenchClient(onConnection?: (state: ConnectionState) => void): WorkbenchApi & { transport: 'ipc' | 'http' } {
  const bridge = window.maltBridge
  if (bridge) {
    onConnection?.('open')
    const call = async (method: WorkbenchMethodId, input: unknown) => {
      const [group, name] = method.split('.') as [string, string]
      const fn = (bridge.calls as unknown as Record<string, Record<string, (input: unknown) => Promise<WireResult<unknown>>>>)[group]![name]!
      return unwrap(await fn(input))
    }
    return { ...createClient(workbenchApiSpec, call), events: { subscribe: (listener) => bridge.subscribe(listener) }, transport: 'ipc' }
  }
  const token = readToken()
  const call = async (method: WorkbenchMethodId, input: unknown) => {
    const response = await fetch(`${httpApiPrefix}${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: input === undefined ? '' : JSON.stringify(input)
    })
    let wire: WireResult<unknown>
    try {
      wire = (await response.json()) as WireResult<unknown>
    } catch {
      throw new AppError('unavailable', `the workbench server answered ${response.status} without JSON`)
    }
    return unwrap(wire)
  }
  return { ...createClient(workbenchApiSpec, call), events: createSocketEvents(token, onConnection), transport: 'http' }
}

function unwrap(wire: WireResult<unknown>): unknown {
  if (wire.ok) return wire.result
  const code = isAppErrorCode(wire.error.code) ? wire.error.code : 'internal'
  return Promise.reject(new AppError(code, wire.error.message, wire.error.location))
}

/** A token given in the URL (`/?token=…`) is kept for the session and removed from the address bar. */
function readToken(): string | null {
  const url = new URL(window.location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl) {
    sessionStorage.setItem('malt-token', fromUrl)
    url.searchParams.delete('token')
    window.history.replaceState(null, '', url.toString())
    return fromUrl
  }
  return sessionStorage.getItem('malt-token')
}

/** One WebSocket shared by all subscribers, reconnecting with backoff when the server restarts. */
function createSocketEvents(token: string | null, onConnection?: (state: ConnectionState) => void): WorkbenchApi['events'] {
  const listeners = new Set<WorkbenchEventListener>()
  let retryMs = 500
  const connect = () => {
    onConnection?.('connecting')
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws'
    const socket = new WebSocket(`${scheme}://${window.location.host}${webSocketPath}${token ? `?token=${encodeURIComponent(token)}` : ''}`)
    socket.onopen = () => {
      retryMs = 500
      onConnection?.('open')
    }
    socket.onmessage = (message) => {
      let event: WorkbenchEvent
      try {
        event = JSON.parse(String(message.data)) as WorkbenchEvent
      } catch {
        return
      }
      for (const listener of listeners) listener(event)
    }
    socket.onclose = () => {
      onConnection?.('closed')
      setTimeout(connect, retryMs)
      retryMs = Math.min(retryMs * 2, 10_000)
    }
  }
  connect()
  return {
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    }
  }
}
