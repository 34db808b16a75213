import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { AppError } from '@shared/errors'

/**
 * Serve mode ships the same renderer as the desktop app. On a fresh checkout it is not built yet, so the first
 * `malt serve` builds it (electron-vite needs no Electron binary for that).
 */
export async function ensureRendererBuilt(appRoot: string, log: (line: string) => void): Promise<string> {
  const rendererDir = join(appRoot, 'out', 'renderer')
  if (existsSync(join(rendererDir, 'index.html'))) return rendererDir
  const cli = join(appRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js')
  if (!existsSync(cli)) {
    throw new AppError('environment_missing', `the renderer is not built and electron-vite is not installed (${cli}); run npm install, then npm run build`)
  }
  log('building the renderer (first run of serve mode)…')
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
