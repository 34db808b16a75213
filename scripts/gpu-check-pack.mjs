#!/usr/bin/env node
/**
 * Writes the folder that scripts/gpu-check.sh needs on an offline Linux machine with an NVIDIA GPU, CUDA's compiler
 * and PyTorch but no Node.js and no network (issue #14, point 2). It must stay under 64 MiB together with the
 * repository, since that is all such a machine is sent.
 *
 *   node scripts/gpu-check-pack.mjs [--out .gpu-check]
 *
 * The folder (ignored by git) holds:
 *   node/node.xz, node/include/   this machine's Node.js binary, xz-compressed (Python's lzma unpacks it), and the
 *                                 N-API headers the node-llama-cpp addon compiles against;
 *   node_modules.tar.xz           node-llama-cpp's JavaScript and llama/ folder without its prebuilt binaries or its
 *                                 llama.cpp git bundle, its runtime dependencies, and better-sqlite3 (built here for
 *                                 this Node's ABI; the store of the tree bench);
 *   llama.cpp.tar.xz              the llama.cpp source node-llama-cpp ships (llama/gitRelease.bundle), without the
 *                                 backends, web UIs and docs a CUDA build does not read, to unpack as
 *                                 node-llama-cpp/llama/llama.cpp;
 *   app/gpu-check-app.mjs         the workbench code the check runs (engine, agents, tree search, store, runner
 *                                 adapter, the agents and tree benches), bundled by esbuild into one file;
 *   python/                       the training runner (resources/python) and wheels/ with the pinned packages that a
 *                                 stock CUDA PyTorch image lacks (transformers, trl, peft, datasets, gguf, …);
 *   models/smollm2-tokenizer.gguf SmolLM2's tokenizer and chat template (vocab only, no weights);
 *   data/gsm8k/train.jsonl        the first GSM8K train questions, for the tree bench and the training data;
 *   gpu-check.sh, gpu-check/      the script and its helpers, so the folder also works on its own;
 *   MANIFEST.json                 what is inside, with versions and sizes.
 * Compressed parts are cached in .cache/gpu-check/ (keyed by what they are made of), so repacking is quick.
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`)
  return index >= 0 && args[index + 1] ? args[index + 1] : fallback
}
if (args.includes('--help')) {
  console.log('usage: node scripts/gpu-check-pack.mjs [--out DIR]   (default DIR: .gpu-check)')
  process.exit(0)
}
const out = resolve(option('out', join(root, '.gpu-check')))
const cache = join(root, '.cache', 'gpu-check')
const nodeModules = join(root, 'node_modules')
const venv = process.env.MALT_PYTHON_VENV ? resolve(process.env.MALT_PYTHON_VENV) : join(root, 'resources', 'python', '.venv')
const python = join(venv, 'bin', 'python')
/** What the device machine accepts at most: the repository and this folder together. */
const travelLimitBytes = 64 * 1024 * 1024

/**
 * Runner packages that a stock CUDA PyTorch image lacks or has in another version; their pins come from the runner's
 * requirements.txt. Everything else the runner imports (torch, accelerate, tokenizers, safetensors, numpy, pandas,
 * pyarrow…) is expected there, as on the lent H200 (shared/notes/GPU.md). regex comes along because transformers checks
 * its version when imported and the image's is not known.
 */
const wheelNames = ['transformers', 'trl', 'peft', 'datasets', 'gguf', 'dill', 'multiprocess', 'regex']
/** GSM8K questions carried: the tree bench's few and enough for 16 training steps of batch 8. */
const gsm8kLines = 160

/** llama.cpp's top-level entries a CUDA build and gguf-py need; the rest (tests, docs, models, UIs) stays here. */
const llamaCppKeep = ['CMakeLists.txt', 'CMakePresets.json', 'cmake', 'ggml', 'src', 'common', 'include', 'vendor', 'tools', 'app', 'licenses', 'LICENSE']
const llamaCppDrop = [
  '*.md',
  'tools/ui',
  'tools/server/webui',
  'tools/server/tests',
  ...['cann', 'et', 'hexagon', 'metal', 'opencl', 'openvino', 'sycl', 'virtgpu', 'vulkan', 'webgpu', 'zdnn', 'zendnn'].map((name) => `ggml/src/ggml-${name}`)
]

function step(message) {
  console.error(`gpu-check-pack: ${message}`)
}

function fail(message) {
  console.error(`gpu-check-pack: ${message}`)
  process.exit(1)
}

function run(command, commandArgs, options = {}) {
  const result = spawnSync(command, commandArgs, { stdio: ['ignore', 'inherit', 'inherit'], ...options })
  if (result.error) fail(`cannot run ${command}: ${result.error.message}`)
  if (result.status !== 0) fail(`'${command} ${commandArgs.join(' ')}' failed (exit ${result.status ?? result.signal})`)
  return result
}

function hashOf(...parts) {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 16)
}

/** Makes `target` from `make(tmp)` unless the cached copy keyed by `key` exists; returns the cached path. */
function cached(name, key, make) {
  mkdirSync(cache, { recursive: true })
  const path = join(cache, `${name}.${key}`)
  if (!existsSync(path)) {
    const partial = `${path}.partial`
    rmSync(partial, { force: true, recursive: true })
    make(partial)
    run('mv', [partial, path])
  }
  return path
}

function sizeOf(path) {
  const stats = statSync(path)
  if (!stats.isDirectory()) return stats.size
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0)
}

function requireTool(name, hint) {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' })
  if (found.status !== 0) fail(`${name} is needed to pack (${hint})`)
}

/** xz with every core, at the default level (-6: Node's 99 MB become about 24 MB). */
const xzEnv = { ...process.env, XZ_OPT: '-6 -T0' }

// ---------------------------------------------------------------------------------------------------------------

requireTool('xz', 'sudo apt-get install xz-utils')
requireTool('tar', 'GNU tar')
requireTool('git', 'to read node-llama-cpp\'s llama.cpp bundle')
if (!existsSync(join(nodeModules, 'node-llama-cpp', 'package.json'))) fail(`no node_modules/node-llama-cpp: run npm install first`)
if (!existsSync(python)) fail(`no Python venv at ${venv}: run npm run setup:python first (it writes the tokenizer and downloads the wheels)`)

rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })
const manifest = { createdAt: new Date().toISOString(), parts: {} }

// 1. Node.js: the binary running this script, and its N-API headers.
{
  const nodeBinary = realpathSync(process.execPath)
  const nodeKey = hashOf(process.version, process.arch, String(statSync(nodeBinary).size))
  const nodeXz = cached('node.xz', nodeKey, (partial) => {
    step(`compressing ${nodeBinary} (${process.version}) with xz; this takes a minute`)
    run('sh', ['-c', 'xz -c "$1" > "$2"', 'sh', nodeBinary, partial], { env: xzEnv })
  })
  mkdirSync(join(out, 'node', 'include'), { recursive: true })
  cpSync(nodeXz, join(out, 'node', 'node.xz'))
  const headerDir = [join(dirname(dirname(nodeBinary)), 'include', 'node'), '/usr/include/node', '/usr/local/include/node'].find((dir) =>
    existsSync(join(dir, 'node_api.h'))
  )
  if (!headerDir) fail(`no node_api.h next to ${nodeBinary} (include/node) or in /usr/include/node: install Node's headers (nodejs-dev)`)
  const headers = readdirSync(headerDir).filter((name) => /^(js_native_api|node_api)(_types)?\.h$/.test(name))
  for (const header of headers) cpSync(join(headerDir, header), join(out, 'node', 'include', header))
  manifest.parts.node = { version: process.version, arch: process.arch, bytes: sizeOf(join(out, 'node')), headers }
}

// 2. node_modules: node-llama-cpp (no prebuilt binaries, no git bundle) and better-sqlite3 with their runtime dependencies.
{
  const packages = dependencyClosure(['node-llama-cpp', 'better-sqlite3'])
  const nlcVersion = packageJson(join(nodeModules, 'node-llama-cpp')).version
  const key = hashOf(nlcVersion, process.version, ...packages.map((dir) => `${relative(nodeModules, dir)}@${packageJson(dir).version}`))
  const archive = cached('node_modules.tar.xz', key, (partial) => {
    step(`packing ${packages.length} packages of node_modules`)
    const list = join(mkdtempSync(join(tmpdir(), 'gpu-check-pack-')), 'files.txt')
    writeFileSync(list, packages.flatMap((dir) => filesOfPackage(dir)).join('\n') + '\n')
    run('tar', ['-C', realpathSync(nodeModules), '-cJf', partial, '--owner=0', '--group=0', '-T', list], { env: xzEnv })
    rmSync(dirname(list), { recursive: true, force: true })
  })
  cpSync(archive, join(out, 'node_modules.tar.xz'))
  manifest.parts.node_modules = { nodeLlamaCpp: nlcVersion, packages: packages.length, bytes: sizeOf(archive) }
}

// 3. The llama.cpp source node-llama-cpp was built from.
{
  const llamaDir = join(nodeModules, 'node-llama-cpp', 'llama')
  const bundle = join(llamaDir, 'gitRelease.bundle')
  const info = JSON.parse(readFileSync(join(llamaDir, 'llama.cpp.info.json'), 'utf8'))
  const key = hashOf(info.tag, String(statSync(bundle).size), ...llamaCppKeep, ...llamaCppDrop)
  const archive = cached('llama.cpp.tar.xz', key, (partial) => {
    step(`cloning llama.cpp ${info.tag} from node-llama-cpp's bundle and packing the source a CUDA build needs`)
    const scratch = mkdtempSync(join(tmpdir(), 'gpu-check-llama-'))
    try {
      run('git', ['-c', 'advice.detachedHead=false', 'clone', '-q', bundle, join(scratch, 'llama.cpp')])
      run('tar', ['-C', join(scratch, 'llama.cpp'), '-cJf', partial, '--owner=0', '--group=0', ...llamaCppDrop.map((pattern) => `--exclude=${pattern}`), ...llamaCppKeep], {
        env: xzEnv
      })
    } finally {
      rmSync(scratch, { recursive: true, force: true })
    }
  })
  cpSync(archive, join(out, 'llama.cpp.tar.xz'))
  manifest.parts.llamaCpp = { release: info.tag, repo: info.llamaCppGithubRepo, bytes: sizeOf(archive) }
}

// 4. The app, bundled.
{
  step('bundling the check\'s app code with esbuild')
  const { build } = await import('esbuild')
  const result = await build({
    entryPoints: [join(root, 'scripts', 'gpu-check', 'gpuCheckApp.ts')],
    outfile: join(out, 'app', 'gpu-check-app.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    tsconfig: join(root, 'tsconfig.node.json'),
    // Native addons and node-llama-cpp (which finds its binaries and llama.cpp beside its own files) stay packages.
    external: ['node-llama-cpp', 'better-sqlite3'],
    // Bundled CommonJS dependencies call require(); an ES module has none of its own.
    banner: { js: "import { createRequire as __gpuCheckRequire } from 'node:module'; const require = __gpuCheckRequire(import.meta.url);" },
    minifySyntax: true,
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true
  })
  manifest.parts.app = { bytes: sizeOf(join(out, 'app')), inputs: Object.keys(result.metafile.inputs).length }
}

// 5. The Python runner and the wheels it lacks there.
{
  const pythonDir = join(root, 'resources', 'python')
  const target = join(out, 'python')
  mkdirSync(target, { recursive: true })
  cpSync(join(pythonDir, 'malt_runner'), join(target, 'malt_runner'), { recursive: true, filter: (path) => !path.includes('__pycache__') })
  for (const file of ['requirements.txt', 'requirements-torch.txt', 'README.md']) cpSync(join(pythonDir, file), join(target, file))
  const pins = new Map(
    readFileSync(join(pythonDir, 'requirements.txt'), 'utf8')
      .split('\n')
      .map((line) => /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s;#]+)/.exec(line))
      .filter(Boolean)
      .map((match) => [match[1].toLowerCase(), match[2]])
  )
  const requirements = wheelNames.map((name) => {
    const version = pins.get(name)
    if (!version) fail(`resources/python/requirements.txt pins no ${name}`)
    return `${name}==${version}`
  })
  const wheelCache = join(cache, 'wheels')
  mkdirSync(wheelCache, { recursive: true })
  const wheelFile = (requirement) => {
    const [name, version] = requirement.split('==')
    const prefix = `${name.replace(/-/g, '_')}-${version}-`.toLowerCase()
    return readdirSync(wheelCache).find((file) => file.toLowerCase().startsWith(prefix) && file.endsWith('.whl'))
  }
  const missing = requirements.filter((requirement) => !wheelFile(requirement))
  if (missing.length > 0) {
    step(`downloading wheels from PyPI: ${missing.join(' ')}`)
    run(python, [
      '-m', 'pip', 'download', '-q', '--disable-pip-version-check', '--no-deps', '--only-binary=:all:',
      '--python-version', '3.12', '--implementation', 'cp',
      '--platform', 'manylinux_2_28_x86_64', '--platform', 'manylinux_2_17_x86_64', '--platform', 'manylinux2014_x86_64',
      '-d', wheelCache, ...missing
    ])
  }
  mkdirSync(join(target, 'wheels'), { recursive: true })
  for (const requirement of requirements) {
    const file = wheelFile(requirement)
    if (!file) fail(`pip downloaded no wheel for ${requirement}`)
    cpSync(join(wheelCache, file), join(target, 'wheels', file))
  }
  manifest.parts.python = { wheels: requirements, bytes: sizeOf(target) }
}

// 6. SmolLM2's tokenizer (no weights) and a few GSM8K questions.
{
  const smol = join(root, '.models', 'SmolLM2-135M-Instruct.Q4_1.gguf')
  if (!existsSync(smol)) fail(`no ${smol}: run npm run models:test first`)
  const tokenizer = cached('smollm2-tokenizer.gguf', hashOf(String(statSync(smol).size), readFileSync(join(root, 'scripts', 'make_tiny_llama.py'), 'utf8')), (partial) => {
    step('writing SmolLM2\'s tokenizer as a vocab-only GGUF')
    run(python, [join(root, 'scripts', 'gpu-check', 'random_llama.py'), 'tokenizer', '--from', smol, '--out', partial], { stdio: ['ignore', 'ignore', 'inherit'] })
  })
  mkdirSync(join(out, 'models'), { recursive: true })
  cpSync(tokenizer, join(out, 'models', 'smollm2-tokenizer.gguf'))

  const dataDir = process.env.MALT_DATA_DIR ? resolve(process.env.MALT_DATA_DIR) : resolve(root, '..', 'shared', 'data')
  const gsm8k = join(dataDir, 'gsm8k', 'train.jsonl')
  if (!existsSync(gsm8k)) fail(`no GSM8K train split at ${gsm8k}: set MALT_DATA_DIR`)
  const lines = readFileSync(gsm8k, 'utf8').split('\n').filter((line) => line.trim()).slice(0, gsm8kLines)
  mkdirSync(join(out, 'data', 'gsm8k'), { recursive: true })
  writeFileSync(join(out, 'data', 'gsm8k', 'train.jsonl'), lines.join('\n') + '\n')
  manifest.parts.inputs = { tokenizer: 'SmolLM2-135M-Instruct (49,152 tokens, ChatML template)', gsm8kTrainQuestions: lines.length }
}

// 7. The script itself, so the folder can travel without the repository.
cpSync(join(root, 'scripts', 'gpu-check.sh'), join(out, 'gpu-check.sh'))
cpSync(join(root, 'scripts', 'gpu-check'), join(out, 'gpu-check'), { recursive: true, filter: (path) => !path.includes('__pycache__') && !path.endsWith('.ts') })
cpSync(join(root, 'scripts', 'make_tiny_llama.py'), join(out, 'make_tiny_llama.py'))

const total = sizeOf(out)
manifest.totalBytes = total
writeFileSync(join(out, 'MANIFEST.json'), JSON.stringify(manifest, null, 2) + '\n')
const repoBytes = trackedBytes()
const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`
step(`wrote ${out}: ${mib(total)} (+ ${mib(repoBytes)} of tracked repository files = ${mib(total + repoBytes)} of the 64 MiB a device machine accepts)`)
if (total + repoBytes > travelLimitBytes) fail(`too big to travel: ${mib(total + repoBytes)} > 64 MiB`)
console.log(JSON.stringify({ out, totalBytes: total, repositoryBytes: repoBytes, parts: manifest.parts }))

// ---------------------------------------------------------------------------------------------------------------

function packageJson(dir) {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
}

/** A dependency's folder as Node resolves it from `fromDir`: the nearest node_modules/<name> upwards. */
function resolvePackage(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name)
    if (existsSync(join(candidate, 'package.json'))) return candidate
    if (dirname(dir) === dir) return null
  }
}

/** The package folders `names` need at run time (dependencies and installed optional dependencies, recursively). */
function dependencyClosure(names) {
  const seen = new Set()
  const visit = (dir) => {
    const real = realpathSync(dir)
    if (seen.has(real)) return
    seen.add(real)
    const pkg = packageJson(real)
    for (const [name, optional] of [
      ...Object.keys(pkg.dependencies ?? {}).map((name) => [name, false]),
      ...Object.keys(pkg.optionalDependencies ?? {}).map((name) => [name, true])
    ]) {
      // node-llama-cpp's prebuilt binaries (hundreds of MB with CUDA) are exactly what the GPU machine builds itself.
      if (name.startsWith('@node-llama-cpp/')) continue
      const found = resolvePackage(name, real)
      if (found) visit(found)
      else if (!optional) fail(`${pkg.name} needs ${name}, which is not installed`)
    }
  }
  for (const name of names) {
    const dir = join(nodeModules, name)
    if (!existsSync(dir)) fail(`node_modules/${name} is missing`)
    visit(dir)
  }
  return [...seen].sort()
}

/** A package's files worth carrying, relative to node_modules. */
function filesOfPackage(dir) {
  const base = realpathSync(nodeModules)
  const name = relative(base, dir)
  const skip = (path) => {
    const inPackage = relative(dir, path)
    if (/(^|\/)node_modules$/.test(inPackage)) return true // nested packages are listed on their own
    if (/\.(map|md|markdown|ts|mts|cts|tsbuildinfo)$/.test(inPackage)) return true // types, maps and docs are not run
    if (name === 'node-llama-cpp') {
      return /^(bins\/.|llama\/gitRelease\.bundle$|llama\/localBuilds$|llama\/llama\.cpp$|templates$|docs$)/.test(inPackage)
    }
    if (name === 'better-sqlite3') {
      // The addon built for this Node's ABI and the JavaScript around it; not SQLite's C source or the objects.
      return /^(deps|src|docs|build\/(?!Release$|Release\/better_sqlite3\.node$))/.test(inPackage)
    }
    return false
  }
  const files = []
  const walk = (path) => {
    if (skip(path)) return
    const stats = statSync(path)
    if (stats.isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry))
    else if (stats.isFile()) files.push(relative(base, path))
  }
  walk(dir)
  if (files.length === 0) fail(`nothing to pack in ${dir}`)
  return files
}

function trackedBytes() {
  const listed = spawnSync('git', ['-C', root, 'ls-files', '-z'], { encoding: 'utf8' })
  if (listed.status !== 0) return 0
  return listed.stdout
    .split('\0')
    .filter(Boolean)
    .reduce((sum, file) => {
      const path = join(root, file)
      return existsSync(path) && statSync(path).isFile() ? sum + statSync(path).size : sum
    }, 0)
}

