/**
 * The Electron main process: opens the workbench (adapters → services), puts the IPC transport in front of it and
 * shows one sandboxed window. All heavy work runs in services here, never in the renderer.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { app, BrowserWindow, ipcMain, session, shell } from 'electron'
import { Workbench } from './app/Workbench'
import { resolveAppRoot } from './app/resolvePaths'
import { registerIpc } from './ipc/registerIpc'
import { contentSecurityPolicy } from './serve/contentSecurityPolicy'

const windows = new Set<BrowserWindow>()
let workbench: Workbench | undefined

function rendererEntry(): { url?: string; file?: string } {
  const devServer = process.env.ELECTRON_RENDERER_URL
  if (!app.isPackaged && devServer) return { url: devServer }
  return { file: join(__dirname, '../renderer/index.html') }
}

function isOwnUrl(url: string | undefined): boolean {
  if (!url) return false
  const entry = rendererEntry()
  if (entry.url) return url.startsWith(entry.url)
  return url.startsWith('file://')
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    title: 'MALT Workbench',
    show: false,
    webPreferences: {
      preload: join(__dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false
    }
  })
  windows.add(window)
  window.on('closed', () => windows.delete(window))
  window.once('ready-to-show', () => window.show())
  // The renderer never navigates away or opens windows; links to the web open in the system browser.
  window.webContents.on('will-navigate', (event, url) => {
    if (!isOwnUrl(url)) event.preventDefault()
  })
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url)
    return { action: 'deny' }
  })
  const entry = rendererEntry()
  if (entry.url) void window.loadURL(entry.url)
  else void window.loadFile(entry.file!)
  return window
}

async function main(): Promise<void> {
  await app.whenReady()
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy] } })
  })
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))

  // better-sqlite3 must be built for Electron's ABI; `npm start` puts that build here (scripts/prepare-electron-native.mjs).
  const electronBinding = join(resolveAppRoot(), 'out', 'native', 'electron', 'better_sqlite3.node')
  workbench = Workbench.open({
    databasePath: join(app.getPath('userData'), 'workbench.sqlite'),
    transport: 'ipc',
    ...(existsSync(electronBinding) ? { nativeBinding: electronBinding } : {})
  })
  registerIpc(ipcMain, workbench.handlers, workbench.events, {
    isTrustedSender: (sender, frameUrl) => [...windows].some((window) => window.webContents === sender) && isOwnUrl(frameUrl),
    eventTargets: () => [...windows].map((window) => window.webContents)
  })
  createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})

let quitting = false
app.on('before-quit', (event) => {
  if (quitting || !workbench) return
  event.preventDefault()
  quitting = true
  void workbench.dispose().finally(() => app.quit())
})

void main()
