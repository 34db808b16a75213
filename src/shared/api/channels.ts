import type { WorkbenchMethodId } from './workbenchApi'

/** IPC channel names exist only here. */
export const ipcChannelPrefix = 'malt:'
export const ipcEventChannel = 'malt:event'

export function ipcChannelFor(method: WorkbenchMethodId): string {
  return `${ipcChannelPrefix}${method}`
}

/** HTTP routes of serve mode. */
export const httpApiPrefix = '/api/'
export const webSocketPath = '/events'

/** The reply of every transport: a result, or an error in its wire form. */
export type WireResult<T> = { ok: true; result: T } | { ok: false; error: { code: string; message: string; location?: { file?: string; line?: number; field?: string } } }
