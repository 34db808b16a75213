import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository (or packaged app) root: two folders above src/main/app, or above out/main. */
export function resolveAppRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir
    dir = dirname(dir)
  }
  return process.cwd()
}

/** MALT_DATA_DIR, else ../shared/data beside the checkout (where this project keeps its shared data), else none. */
export function resolveDataFolder(): string | null {
  const fromEnv = process.env.MALT_DATA_DIR
  if (fromEnv) return resolve(fromEnv)
  const beside = resolve(resolveAppRoot(), '..', 'shared', 'data')
  return existsSync(beside) ? beside : null
}

/**
 * Where the desktop app keeps its database, so the CLI finds the same one by default: MALT_DB, else the
 * platform's per-user config folder (Electron's `userData` for an app named malt-workbench).
 */
export function defaultDatabasePath(): string {
  if (process.env.MALT_DB) return resolve(process.env.MALT_DB)
  return join(userDataFolder(), 'workbench.sqlite')
}

export function userDataFolder(): string {
  const home = homedir()
  if (process.platform === 'darwin') return join(home, 'Library', 'Application Support', 'malt-workbench')
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'malt-workbench')
  return join(process.env.XDG_CONFIG_HOME ?? join(home, '.config'), 'malt-workbench')
}
