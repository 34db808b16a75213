import { spawnSync } from 'node:child_process'
import { join } from 'node:path'

/**
 * A binary of scripts/build-llama-server.mjs's cached build of node-llama-cpp's own llama.cpp source (CPU). The
 * benches never build it: a missing build is an error that says how to make it.
 */
export function llamaBinary(name: 'llama-server' | 'llama-batched-bench'): string {
  const result = spawnSync(process.execPath, [join(import.meta.dirname, '..', 'scripts', 'build-llama-server.mjs'), '--no-build'], { encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`${name} is not built: run node scripts/build-llama-server.mjs (${result.stderr.trim()})`)
  return join(result.stdout.trim().split('\n').at(-1)!, '..', process.platform === 'win32' ? `${name}.exe` : name)
}
