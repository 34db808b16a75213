import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import { ipcChannelFor, ipcEventChannel } from '@shared/api/channels'
import type { WireResult } from '@shared/api/channels'
import type { WorkbenchEvent } from '@shared/api/events'
import type { WorkbenchHandlers } from '@shared/api/workbenchApi'
import { workbenchMethodIds } from '@shared/api/workbenchApi'
import { AppError, serializeError } from '@shared/errors'
import { dispatchCall } from '../api/dispatchCall'

export interface IpcOptions {
  /** Only the app's own windows may call; anything else (a stray webview, a navigated frame) is refused. */
  isTrustedSender(sender: WebContents, frameUrl: string | undefined): boolean
  /** The windows that receive events. */
  eventTargets(): Iterable<WebContents>
}

/**
 * The Electron transport of the workbench API: one `ipcMain.handle` per contract method, each validating its payload
 * (in dispatchCall) and answering with a {@link WireResult} so error codes survive the trip.
 * Returns a function that removes the handlers and the event forwarding.
 */
export function registerIpc(
  ipcMain: IpcMain,
  handlers: WorkbenchHandlers,
  events: { subscribe(listener: (event: WorkbenchEvent) => void): () => void },
  options: IpcOptions
): () => void {
  for (const method of workbenchMethodIds) {
    ipcMain.handle(ipcChannelFor(method), async (event: IpcMainInvokeEvent, input: unknown): Promise<WireResult<unknown>> => {
      if (!options.isTrustedSender(event.sender, event.senderFrame?.url)) {
        return { ok: false, error: serializeError(new AppError('unauthorized', 'IPC from an untrusted frame was refused')) }
      }
      try {
        return { ok: true, result: (await dispatchCall(handlers, method, input)) ?? null }
      } catch (error) {
        return { ok: false, error: serializeError(error) }
      }
    })
  }
  const unsubscribe = events.subscribe((event) => {
    for (const target of options.eventTargets()) {
      if (!target.isDestroyed()) target.send(ipcEventChannel, event)
    }
  })
  return () => {
    unsubscribe()
    for (const method of workbenchMethodIds) ipcMain.removeHandler(ipcChannelFor(method))
  }
}
