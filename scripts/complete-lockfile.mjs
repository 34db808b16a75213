#!/usr/bin/env node
/**
 * Keeps package-lock.json complete for `npm ci` on a registry mirror that lacks some optional packages.
 *
 * node-llama-cpp lists a prebuilt binary package per platform as an optional dependency. The registry this project's
 * machines reach has only the Linux ones, so `npm install` leaves the others (win, mac, riscv) out of the lock, and
 * `npm ci` then refuses the lock as out of sync with package.json. On Linux npm never installs those packages (their
 * `os`/`cpu` fields exclude them), so recording their version and platform in the lock is enough.
 *
 * Usage: `node scripts/complete-lockfile.mjs` after any `npm install` that rewrote the lock; `--check` only reports.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const lockPath = join(root, 'package-lock.json')

/** The platform of each node-llama-cpp binary package, from its name (mac → darwin, win → win32). */
function platformOf(name) {
  const [os, cpu] = name.replace('@node-llama-cpp/', '').split('-')
  return { os: { mac: 'darwin', win: 'win32', linux: 'linux' }[os] ?? os, cpu }
}

export function missingOptionalPackages(lock) {
  const llama = lock.packages['node_modules/node-llama-cpp']
  if (!llama) return []
  return Object.entries(llama.optionalDependencies ?? {})
    .filter(([name]) => !lock.packages[`node_modules/${name}`])
    .map(([name, version]) => ({ name, version }))
}

export function completeLock(lock) {
  const missing = missingOptionalPackages(lock)
  if (missing.length === 0) return lock
  const packages = {}
  const anchor = Object.keys(lock.packages).filter((key) => key.startsWith('node_modules/@node-llama-cpp/')).pop() ?? 'node_modules/node-llama-cpp'
  for (const [key, value] of Object.entries(lock.packages)) {
    packages[key] = value
    if (key !== anchor) continue
    for (const { name, version } of missing) {
      const { os, cpu } = platformOf(name)
      packages[`node_modules/${name}`] = { version, cpu: [cpu], license: 'MIT', optional: true, os: [os], engines: { node: '>=20.0.0' } }
    }
  }
  return { ...lock, packages }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const lock = JSON.parse(readFileSync(lockPath, 'utf8'))
  const missing = missingOptionalPackages(lock)
  if (process.argv.includes('--check')) {
    if (missing.length > 0) {
      console.error(`package-lock.json lacks ${missing.map((entry) => entry.name).join(', ')}: run node scripts/complete-lockfile.mjs`)
      process.exit(1)
    }
  } else if (missing.length > 0) {
    writeFileSync(lockPath, `${JSON.stringify(completeLock(lock), null, 2)}\n`)
    console.error(`package-lock.json: recorded ${missing.length} optional platform packages`)
  }
}
