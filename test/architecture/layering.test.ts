import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve, sep } from 'node:path'
import { describe, expect, it } from 'vitest'
import { repoRoot } from '../support/paths'

/**
 * The folder layout is the architecture (STYLE.md): pure domain logic and the shared contract import nothing from
 * Electron, SQLite, llama, processes or the file system; only adapters touch those. This test reads every import
 * and fails on a crossing, the way VS Code's layering lint rule does.
 */
interface Rule {
  folder: string
  /** Module specifiers that may not appear (prefix match). */
  forbiddenModules: string[]
  /** Repository folders that may not be imported from here. */
  forbiddenFolders: string[]
}

const nodeBuiltins = ['node:', 'fs', 'path', 'child_process', 'os', 'crypto', 'http', 'net', 'worker_threads']
const nativeAndPlatform = ['electron', 'better-sqlite3', 'node-llama-cpp', 'ws', 'commander', 'playwright-core']

const rules: Rule[] = [
  { folder: 'src/shared', forbiddenModules: [...nodeBuiltins, ...nativeAndPlatform], forbiddenFolders: ['src/main', 'src/renderer', 'src/preload'] },
  {
    folder: 'src/main/domain',
    forbiddenModules: [...nodeBuiltins, ...nativeAndPlatform],
    forbiddenFolders: ['src/main/adapters', 'src/main/services', 'src/main/app', 'src/main/cli', 'src/main/serve', 'src/main/ipc', 'src/main/api', 'src/renderer']
  },
  {
    // Services depend on ports (services/ports), never on the adapters that implement them, nor on the file system.
    folder: 'src/main/services',
    forbiddenModules: ['electron', 'better-sqlite3', 'node-llama-cpp', 'ws', 'commander', 'node:child_process', 'child_process', 'node:fs', 'fs'],
    forbiddenFolders: ['src/main/adapters', 'src/main/app', 'src/main/api', 'src/main/cli', 'src/main/serve', 'src/main/ipc', 'src/renderer']
  },
  {
    // The API maps the contract onto services; the composition root (app) imports it, never the other way round.
    folder: 'src/main/api',
    forbiddenModules: ['electron', 'better-sqlite3', 'node-llama-cpp', 'ws', 'commander', 'node:fs', 'fs', 'node:child_process', 'child_process'],
    forbiddenFolders: ['src/main/adapters', 'src/main/app', 'src/main/cli', 'src/main/serve', 'src/main/ipc', 'src/renderer']
  },
  { folder: 'src/renderer', forbiddenModules: [...nodeBuiltins, ...nativeAndPlatform], forbiddenFolders: ['src/main'] },
  { folder: 'src/preload', forbiddenModules: [...nodeBuiltins, 'better-sqlite3', 'node-llama-cpp'], forbiddenFolders: ['src/main', 'src/renderer'] }
]

function sourceFiles(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full))
    else if (/\.(ts|tsx)$/.test(name)) out.push(full)
  }
  return out
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const specifiers: string[] = []
  for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g)) specifiers.push(match[1]!)
  for (const match of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) specifiers.push(match[1]!)
  return specifiers
}

function resolveToRepoFolder(file: string, specifier: string): string | null {
  if (specifier.startsWith('@shared/')) return 'src/shared'
  if (specifier.startsWith('@renderer/')) return 'src/renderer'
  if (!specifier.startsWith('.')) return null
  return relative(repoRoot, resolve(file, '..', specifier)).split(sep).join('/')
}

describe('layering', () => {
  for (const rule of rules) {
    it(`${rule.folder} respects its boundaries`, () => {
      const violations: string[] = []
      for (const file of sourceFiles(join(repoRoot, rule.folder))) {
        for (const specifier of importsOf(file)) {
          const where = relative(repoRoot, file)
          if (rule.forbiddenModules.some((banned) => specifier === banned || specifier.startsWith(banned.endsWith(':') ? banned : `${banned}/`))) {
            violations.push(`${where} imports '${specifier}'`)
          }
          const target = resolveToRepoFolder(file, specifier)
          if (target && rule.forbiddenFolders.some((folder) => target === folder || target.startsWith(`${folder}/`))) {
            violations.push(`${where} imports ${target}`)
          }
        }
      }
      expect(violations).toEqual([])
    })
  }
})
