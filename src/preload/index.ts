/**
 * The only bridge between the sandboxed renderer and the main process. It exposes one purpose-built object,
 * `window.maltBridge`: a function per API method (generated from the contract, so nothing here is typed by hand)
 * and an event subscription. No ipcRenderer, no channel names and no Node APIs reach the page.
 */
import { contextBridge, ipcRenderer } from 'electron'
import type { IpcRendererEvent } from 'electron'
import { ipcChannelFor, ipcEventChannel } from '@shared/api/channels'
import type { WorkbenchEvent } from '@shared/api/events'
import { createClient } from '@shared/api/procedure'
import { workbenchApiSpec } from '@shared/api/workbenchApi'
import type { WorkbenchApiSpec } from '@shared/api/workbenchApi'
import type { MaltBridge, WireClientOf } from './bridge'

// createClient types its methods as resolving to outputs; here they resolve to wire results, which the
// renderer unwraps (src/renderer/src/api/createWorkbenchClient.ts).
const calls = createClient(workbenchApiSpec, (method, input) => ipcRenderer.invoke(ipcChannelFor(method), input) as Promise<unknown>) as unknown as WireClientOf<WorkbenchApiSpec>

const bridge = {
  calls,
  subscribe(listener: (event: WorkbenchEvent) => void): () => void {
    const forward = (_event: IpcRendererEvent, payload: WorkbenchEvent) => listener(payload)
    ipcRenderer.on(ipcEventChannel, forward)
    return () => {
      ipcRenderer.removeListener(ipcEventChannel, forward)
    }
  }
} satisfies MaltBridge

contextBridge.exposeInMainWorld('maltBridge', bridge)
