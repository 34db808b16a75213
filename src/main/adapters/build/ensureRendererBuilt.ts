import { spawn } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { AppError } from '@shared/errors'

/** The sources the renderer bundle is built from; in an installed app (no sources) the bundle is never stale. */
const rendererSources = ['src/renderer', 'src/shared', 'electron.vite.config.ts']

/** The newest modification time under a file or folder (0 when it does not exist). */
function newestModification(path: string): number {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = stat.mtimeMs
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestModification(join(path, entry)))
  return newest
}

/** Whether the built renderer is missing or older than a source it is built from (in a checkout). */
export function rendererBuildIsStale(appRoot: string): boolean {
  const index = join(appRoot, 'out', 'renderer', 'index.html')
  if (!existsSync(index)) return true
  const builtAt = statSync(index).mtimeMs
  return rendererSources.some((source) => newestModification(join(appRoot, source)) > builtAt)
}

/**
 * Serve mode ships the same renderer as the desktop app. On a fresh checkout it is not built yet, and in a checkout
 * whose renderer sources changed since the last build the bundle is stale (a browser would silently get the old UI),
 * so `malt serve` builds it first (electron-vite needs no Electron binary for that; about a second).
 */
export async function ensureRendererBuilt(appRoot: string, log: (line: string) => void): Promise<string> {
  const rendererDir = join(appRoot, 'out', 'renderer')
  const missing = !existsSync(join(rendererDir, 'index.html'))
  if (!rendererBuildIsStale(appRoot)) return rendererDir
  const cli = join(appRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js')
  if (!existsSync(cli)) {
    throw new AppError('environment_missing', `the renderer is not built and electron-vite is not installed (${cli}); run npm install, then npm run build`)
  }
  log(missing ? 'building the renderer (first run of serve mode)…' : 'rebuilding the renderer (its sources changed since the last build)…')
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'build'], { cwd: appRoot, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000)
    })
    child.on('error', reject)
    child.on('close', (exitCode) => {
      if (exitCode !== 0) log(stderr.trim())
      resolve(exitCode ?? 1)
    })
  })
  if (code !== 0 || !existsSync(join(rendererDir, 'index.html'))) {
    throw new AppError('environment_missing', `building the renderer failed (exit ${code}); run npm run build to see why`)
  }
  return rendererDir
}
