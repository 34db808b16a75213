#!/usr/bin/env node
/**
 * better-sqlite3 is a native addon tied to one runtime ABI. node_modules keeps the Node build (the CLI, serve mode and
 * the tests use it); the desktop app needs a build for Electron's ABI. This script makes that second build in
 * out/native/electron/ without touching node_modules, so `npm test` and `npm start` never fight over one file.
 * The main process passes it to better-sqlite3 as `nativeBinding` (src/main/index.ts).
 *
 * It tries a prebuilt binary first (prebuild-install, from better-sqlite3's GitHub releases), then compiles against
 * Electron's headers with node-gyp. Both need the network on first run; afterwards the build is reused.
 */
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)
const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version
const sqlitePackage = dirname(require.resolve('better-sqlite3/package.json'))
const sqliteVersion = JSON.parse(readFileSync(join(sqlitePackage, 'package.json'), 'utf8')).version
const outDir = join(root, 'out', 'native', 'electron')
const target = join(outDir, 'better_sqlite3.node')
const stamp = join(outDir, 'build.json')
const wanted = { electron: electronVersion, betterSqlite3: sqliteVersion, platform: process.platform, arch: process.arch }

/** npm ships node-gyp and names it in npm_config_node_gyp for scripts; fall back to npm's own copy. */
function nodeGypScript() {
  if (process.env.npm_config_node_gyp) return process.env.npm_config_node_gyp
  const npmDir = dirname(dirname(process.execPath))
  return join(npmDir, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')
}

if (existsSync(target) && existsSync(stamp) && JSON.stringify(JSON.parse(readFileSync(stamp, 'utf8'))) === JSON.stringify(wanted)) {
  process.exit(0)
}

console.error(`prepare-electron-native: building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (${process.platform}-${process.arch})`)
const work = mkdtempSync(join(tmpdir(), 'malt-electron-native-'))
try {
  const copy = join(work, 'better-sqlite3')
  // Copy the package without its Node build, so neither tool can mistake that build for the Electron one.
  cpSync(sqlitePackage, copy, { recursive: true, filter: (path) => !path.startsWith(join(sqlitePackage, 'build')) })
  const attempts = [
    [process.execPath, [require.resolve('prebuild-install/bin.js'), '--runtime=electron', `--target=${electronVersion}`, `--arch=${process.arch}`, `--platform=${process.platform}`]],
    [process.execPath, [nodeGypScript(), 'rebuild', '--release', `--target=${electronVersion}`, `--arch=${process.arch}`, '--dist-url=https://electronjs.org/headers']]
  ]
  let built = false
  for (const [command, args] of attempts) {
    const result = spawnSync(command, args, { cwd: copy, stdio: 'inherit', env: { ...process.env, npm_config_nodedir: '' } })
    if (result.status === 0 && existsSync(join(copy, 'build', 'Release', 'better_sqlite3.node'))) {
      built = true
      break
    }
  }
  if (!built) {
    console.error(
      'prepare-electron-native: could not get better-sqlite3 for Electron (no prebuilt binary reachable and no Electron headers to compile against).\n' +
        'The desktop app needs it; the CLI (npm run malt) and serve mode (npm run malt -- serve) work without it.'
    )
    process.exit(1)
  }
  mkdirSync(outDir, { recursive: true })
  cpSync(join(copy, 'build', 'Release', 'better_sqlite3.node'), target)
  writeFileSync(stamp, JSON.stringify(wanted))
  console.error(`prepare-electron-native: ${target}`)
} finally {
  rmSync(work, { recursive: true, force: true })
}
