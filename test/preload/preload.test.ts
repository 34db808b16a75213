import { beforeAll, describe, expect, it, vi } from 'vitest'
import { ipcChannelFor, ipcEventChannel } from '../../src/shared/api/channels'
import { workbenchApiSpec } from '../../src/shared/api/workbenchApi'

/** Electron is mocked only at the IPC edge: contextBridge and ipcRenderer record what the preload does with them. */
const exposed = new Map<string, unknown>()
const invoke = vi.fn(async (channel: string, input: unknown) => ({ ok: true, result: { channel, input } }))
const listeners = new Map<string, (...args: unknown[]) => void>()
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
  ipcRenderer: {
    invoke,
    on: (channel: string, listener: (...args: unknown[]) => void) => listeners.set(channel, listener),
    removeListener: (channel: string) => listeners.delete(channel)
  }
}))

describe('preload', () => {
  beforeAll(async () => {
    await import('../../src/preload/index')
  })

  it('exposes exactly one purpose-built object and no ipcRenderer', () => {
    expect([...exposed.keys()]).toEqual(['maltBridge'])
    const bridge = exposed.get('maltBridge') as Record<string, unknown>
    expect(Object.keys(bridge).sort()).toEqual(['calls', 'subscribe'])
    expect(JSON.stringify(Object.keys(bridge.calls as object))).not.toContain('ipc')
  })

  it('has one function per contract method, each invoking only its own channel', async () => {
    const bridge = exposed.get('maltBridge') as { calls: Record<string, Record<string, (input?: unknown) => Promise<unknown>>> }
    for (const [group, procedures] of Object.entries(workbenchApiSpec)) {
      expect(Object.keys(bridge.calls[group]!).sort()).toEqual(Object.keys(procedures).sort())
      for (const method of Object.keys(procedures)) {
        const result = await bridge.calls[group]![method]!({ probe: method })
        expect(result).toEqual({ ok: true, result: { channel: ipcChannelFor(`${group}.${method}` as never), input: { probe: method } } })
      }
    }
  })

  it('forwards events and unsubscribes', () => {
    const bridge = exposed.get('maltBridge') as { subscribe(listener: (event: unknown) => void): () => void }
    const received: unknown[] = []
    const unsubscribe = bridge.subscribe((event) => received.push(event))
    listeners.get(ipcEventChannel)!({}, { type: 'store.changed', collection: 'datasets' })
    expect(received).toEqual([{ type: 'store.changed', collection: 'datasets' }])
    unsubscribe()
    expect(listeners.has(ipcEventChannel)).toBe(false)
  })
})
