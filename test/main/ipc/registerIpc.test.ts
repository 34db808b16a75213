import { join } from 'node:path'
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Workbench } from '../../../src/main/app/Workbench'
import { registerIpc } from '../../../src/main/ipc/registerIpc'
import { ipcChannelFor, ipcEventChannel } from '../../../src/shared/api/channels'
import { workbenchMethodIds } from '../../../src/shared/api/workbenchApi'
import { makeTempDir, sharedDataDir } from '../../support/paths'

type Handler = (event: IpcMainInvokeEvent, input: unknown) => Promise<unknown>

/** Electron's ipcMain, faked at the IPC edge: it records handlers so the test can invoke them like a renderer. */
function fakeIpcMain() {
  const handlers = new Map<string, Handler>()
  const ipcMain = {
    handle: (channel: string, handler: Handler) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`)
      handlers.set(channel, handler)
    },
    removeHandler: (channel: string) => handlers.delete(channel)
  }
  return { ipcMain: ipcMain as unknown as IpcMain, handlers }
}

function fakeWebContents() {
  const sent: { channel: string; payload: unknown }[] = []
  return { sent, contents: { isDestroyed: () => false, send: (channel: string, payload: unknown) => sent.push({ channel, payload }) } as unknown as WebContents }
}

describe('registerIpc', () => {
  let temp: ReturnType<typeof makeTempDir>
  let workbench: Workbench
  beforeEach(() => {
    temp = makeTempDir()
    workbench = Workbench.open({ databasePath: join(temp.dir, 'w.sqlite'), dataFolder: sharedDataDir(), transport: 'ipc' })
  })
  afterEach(async () => {
    await workbench.dispose()
    temp.cleanup()
  })

  it('registers one channel per contract method and removes them again', () => {
    const { ipcMain, handlers } = fakeIpcMain()
    const window = fakeWebContents()
    const dispose = registerIpc(ipcMain, workbench.handlers, workbench.events, { isTrustedSender: () => true, eventTargets: () => [window.contents] })
    expect([...handlers.keys()].sort()).toEqual(workbenchMethodIds.map(ipcChannelFor).sort())
    dispose()
    expect(handlers.size).toBe(0)
  })

  it('validates payloads, answers with wire results and forwards events to windows', async () => {
    const { ipcMain, handlers } = fakeIpcMain()
    const window = fakeWebContents()
    registerIpc(ipcMain, workbench.handlers, workbench.events, { isTrustedSender: () => true, eventTargets: () => [window.contents] })
    const event = { sender: window.contents, senderFrame: { url: 'file:///app/index.html' } } as unknown as IpcMainInvokeEvent

    const invalid = await handlers.get(ipcChannelFor('datasets.questions'))!(event, { datasetId: -1 })
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid_input', location: { field: 'datasetId' } } })

    const imported = await handlers.get(ipcChannelFor('datasets.import'))!(event, {
      name: 'csqa',
      format: 'csqa',
      source: { kind: 'dataFolder', relativePath: 'csqa/dev_rand_split.jsonl' }
    })
    expect(imported).toMatchObject({ ok: true, result: { added: 1221 } })
    expect(window.sent).toContainEqual({ channel: ipcEventChannel, payload: { type: 'store.changed', collection: 'datasets' } })

    const listed = await handlers.get(ipcChannelFor('datasets.list'))!(event, undefined)
    expect(listed).toMatchObject({ ok: true, result: [{ name: 'csqa', questionCount: 1221 }] })
  })

  it('refuses calls from senders that are not the app’s windows', async () => {
    const { ipcMain, handlers } = fakeIpcMain()
    const window = fakeWebContents()
    registerIpc(ipcMain, workbench.handlers, workbench.events, {
      isTrustedSender: (_sender, url) => url?.startsWith('file://') === true,
      eventTargets: () => []
    })
    const stranger = { sender: window.contents, senderFrame: { url: 'https://evil.example/' } } as unknown as IpcMainInvokeEvent
    expect(await handlers.get(ipcChannelFor('datasets.list'))!(stranger, undefined)).toMatchObject({ ok: false, error: { code: 'unauthorized' } })
  })
})
