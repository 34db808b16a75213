#!/usr/bin/env node
/**
 * Builds llama.cpp's `llama-server` (and `llama-batched-bench`, the speed reference of `npm run bench -- tree`) from
 * the llama.cpp source that node-llama-cpp ships (node_modules/node-llama-cpp/llama/gitRelease.bundle), CPU only, so
 * the tests can drive a real OpenAI-compatible server on the same llama.cpp as the embedded engine.
 *
 *   node scripts/build-llama-server.mjs            # prints the llama-server path as the last line of stdout
 *   node scripts/build-llama-server.mjs --no-build # the same when it is built; otherwise exit 1, building nothing
 *
 * The binaries are cached in `<cache>/llama-server/<commit>-<flags hash>/bin/`, where `<cache>` is
 * `MALT_LLAMA_CACHE_DIR`, else the repository's ignored `.cache/`. A second call finds them and does nothing else.
 * CI points `MALT_LLAMA_CACHE_DIR` outside the clone so a machine builds once (.ci/run).
 * Progress goes to stderr; stdout carries only the path. Needs git, CMake ≥ 3.18 and a C++17 compiler (no network:
 * the server's web UI is left out rather than downloaded).
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const bundle = join(root, 'node_modules', 'node-llama-cpp', 'llama', 'gitRelease.bundle')
const cacheRoot = process.env.MALT_LLAMA_CACHE_DIR ? resolve(process.env.MALT_LLAMA_CACHE_DIR) : join(root, '.cache')
const targets = ['llama-server', 'llama-batched-bench']
const executable = (name) => (process.platform === 'win32' ? `${name}.exe` : name)

/** Only what these targets compile from: the models, docs and web-UI sources (over 100 MB) stay in the bundle. */
const sourcePaths = ['CMakeLists.txt', 'CMakePresets.json', 'cmake', 'common', 'ggml', 'include', 'licenses', 'LICENSE', 'scripts', 'src', 'tools', 'vendor']

const cmakeFlags = [
  '-DCMAKE_BUILD_TYPE=Release',
  '-DBUILD_SHARED_LIBS=OFF', // self-contained binaries that survive the build folder's removal
  '-DGGML_NATIVE=ON', // the cache is per machine, so use all of this CPU's instructions
  '-DGGML_CUDA=OFF',
  '-DGGML_VULKAN=OFF',
  '-DGGML_METAL=OFF',
  '-DLLAMA_BUILD_TESTS=OFF',
  '-DLLAMA_BUILD_EXAMPLES=OFF',
  '-DLLAMA_BUILD_TOOLS=ON',
  '-DLLAMA_BUILD_SERVER=ON',
  '-DLLAMA_BUILD_APP=OFF',
  '-DLLAMA_BUILD_UI=OFF', // the UI would need npm
  '-DLLAMA_USE_PREBUILT_UI=OFF', // … or a download from Hugging Face; the API works without it
  '-DLLAMA_OPENSSL=OFF', // the tests talk plain HTTP on loopback
  // -march=native turns on AMX where the CPU reports it, and ggml's AMX kernels then crash (SIGSEGV in
  // ggml_backend_amx_mul_mat on any quantized model) on virtual machines that report AMX without granting it.
  // node-llama-cpp's prebuilt CPU binaries have no AMX either, so the two engines stay comparable.
  ...(process.arch === 'x64' && process.platform !== 'win32'
    ? ['-DCMAKE_C_FLAGS=-mno-amx-tile -mno-amx-int8 -mno-amx-bf16', '-DCMAKE_CXX_FLAGS=-mno-amx-tile -mno-amx-int8 -mno-amx-bf16']
    : [])
]

function log(message) {
  console.error(`build-llama-server: ${message}`)
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options })
  if (result.error) fail(`could not run ${command}: ${result.error.message}`)
  if (result.status !== 0) fail(`'${command} ${args.join(' ')}' failed (exit ${result.status ?? result.signal})`)
  return result
}

function capture(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8' })
  if (result.error) fail(`could not run ${command}: ${result.error.message}; is it installed?`)
  if (result.status !== 0) fail(`'${command} ${args.join(' ')}' failed: ${result.stderr.trim()}`)
  return result.stdout
}

function fail(message) {
  log(message)
  process.exit(1)
}

if (!existsSync(bundle)) fail(`${bundle} is missing; run npm install (node-llama-cpp ships the llama.cpp source there)`)

// The bundle's HEAD names the exact llama.cpp source: `<hash> HEAD`.
const head = capture('git', ['bundle', 'list-heads', bundle])
  .split('\n')
  .map((line) => line.trim().split(/\s+/))
  .find(([, ref]) => ref === 'HEAD')?.[0]
if (!head || !/^[0-9a-f]{40}$/.test(head)) fail(`${bundle} has no HEAD commit`)
const flagsHash = createHash('sha256')
  .update(JSON.stringify([cmakeFlags, targets, process.platform, process.arch]))
  .digest('hex')
  .slice(0, 10)
const home = join(cacheRoot, 'llama-server', `${head.slice(0, 12)}-${flagsHash}`)
const binDir = join(home, 'bin')
const serverPath = join(binDir, executable('llama-server'))

if (targets.every((target) => existsSync(join(binDir, executable(target))))) {
  log(`cached: ${binDir}`)
  console.log(serverPath)
  process.exit(0)
}

if (process.argv.includes('--no-build')) fail(`not built yet (no ${binDir}); run node scripts/build-llama-server.mjs`)
capture('cmake', ['--version'])
const started = performance.now()
const work = join(home, 'work')
rmSync(work, { recursive: true, force: true })
mkdirSync(work, { recursive: true })
const repo = join(work, 'llama.cpp.git')
const source = join(work, 'source')
const build = join(work, 'build')

log(`extracting llama.cpp ${head.slice(0, 12)} from ${bundle}`)
run('git', ['clone', '--quiet', '--bare', bundle, repo])
mkdirSync(source)
const archive = join(work, 'source.tar')
run('git', ['--git-dir', repo, 'archive', '--format=tar', `--output=${archive}`, head, ...sourcePaths])
run('tar', ['-xf', archive, '-C', source])

const ninja = spawnSync('ninja', ['--version']).status === 0
log(`configuring (CPU only${ninja ? ', Ninja' : ''})`)
run('cmake', ['-S', source, '-B', build, ...(ninja ? ['-G', 'Ninja'] : []), ...cmakeFlags], { stdio: ['ignore', 'ignore', 'inherit'] })

const jobs = Number(process.env.MALT_LLAMA_BUILD_JOBS) || availableParallelism()
log(`building ${targets.join(', ')} with ${jobs} job(s); this takes minutes`)
run('cmake', ['--build', build, '--config', 'Release', '--parallel', String(jobs), '--target', ...targets], { stdio: ['ignore', 'ignore', 'inherit'] })

// Moved into place only once every binary is there, so an interrupted build never looks cached.
const staged = join(work, 'bin')
mkdirSync(staged)
for (const target of targets) {
  const built = [join(build, 'bin', executable(target)), join(build, 'bin', 'Release', executable(target))].find((path) => existsSync(path))
  if (!built) fail(`the build finished without ${target}`)
  renameSync(built, join(staged, executable(target)))
}
const seconds = Math.round((performance.now() - started) / 1000)
writeFileSync(join(staged, 'build-info.json'), `${JSON.stringify({ commit: head, cmakeFlags, targets, seconds }, null, 2)}\n`)
rmSync(binDir, { recursive: true, force: true })
renameSync(staged, binDir)
rmSync(work, { recursive: true, force: true })
log(`built in ${seconds} s: ${binDir}`)
console.log(serverPath)
