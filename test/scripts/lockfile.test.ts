import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
// @ts-expect-error: a plain ES module script without type declarations
import { completeLock, missingOptionalPackages } from '../../scripts/complete-lockfile.mjs'
import { repoRoot } from '../support/paths'

/** `.ci/run` installs with `npm ci`, which refuses a lock that lacks any optional dependency of node-llama-cpp. */
describe('package-lock.json', () => {
  it('records every optional platform package of node-llama-cpp, so that npm ci accepts it', () => {
    const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8'))
    expect(missingOptionalPackages(lock), 'run node scripts/complete-lockfile.mjs').toEqual([])
  })

  it('completes a lock that lacks some, with their platform, next to the others', () => {
    const lock = {
      packages: {
        'node_modules/node-llama-cpp': { optionalDependencies: { '@node-llama-cpp/linux-x64': '3.22.1', '@node-llama-cpp/win-x64-cuda': '3.22.1', '@node-llama-cpp/mac-arm64-metal': '3.22.1' } },
        'node_modules/@node-llama-cpp/linux-x64': { version: '3.22.1' },
        'node_modules/zod': { version: '4.0.0' }
      }
    }
    const completed = completeLock(lock)
    expect(Object.keys(completed.packages)).toEqual([
      'node_modules/node-llama-cpp',
      'node_modules/@node-llama-cpp/linux-x64',
      'node_modules/@node-llama-cpp/win-x64-cuda',
      'node_modules/@node-llama-cpp/mac-arm64-metal',
      'node_modules/zod'
    ])
    expect(completed.packages['node_modules/@node-llama-cpp/win-x64-cuda']).toMatchObject({ version: '3.22.1', os: ['win32'], cpu: ['x64'], optional: true })
    expect(completed.packages['node_modules/@node-llama-cpp/mac-arm64-metal']).toMatchObject({ os: ['darwin'], cpu: ['arm64'] })
    expect(missingOptionalPackages(completed)).toEqual([])
  })
})
