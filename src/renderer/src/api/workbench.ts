import { useAppStore } from '../stores/useAppStore'
import { createWorkbenchClient } from './createWorkbenchClient'

/** The renderer's single client, created once at start-up. */
export const workbench = createWorkbenchClient((state) => useAppStore.getState().setConnection(state))

/** Base64 of a picked file, for `datasets.import` uploads (bytes travel as-is so bad UTF-8 is reported by line). */
export async function readFileAsBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer())
  let binary = ''
  const chunk = 0x8000
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk))
  return btoa(binary)
}
