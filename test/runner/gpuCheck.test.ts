import { spawn } from 'node:child_process'
import { cpSync, createWriteStream, existsSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTempDir, repoRoot, sharedDataDir } from '../support/paths'

/**
 * The offline GPU check (issue #14, point 2) as far as a CPU machine can take it: `node scripts/gpu-check-pack.mjs`
 * writes the folder, then the folder's own copy of gpu-check.sh runs it in its CPU dry run. The llama.cpp build is
 * the one step left out: it takes about 40 minutes on 2 shared cores, so the check is given node-llama-cpp's prebuilt
 * CPU binary as a "previous build" (--prebuilt) and is expected to report the build as skipped, and the benches as
 * run without llama-batched-bench. Everything else is real: the unpacked Node.js and node_modules, the bundled app,
 * the random model with SmolLM2's tokenizer, SFT then DPO through the workbench's PythonRunner, both benches, and the
 * trained adapter loaded into the role agents. Several minutes on 2 cores.
 */
const stepsThatMustRun = ['unpack', 'python-env', 'model', 'train', 'install-build', 'agents', 'tree', 'adapter'] as const

interface StepEntry {
  step: string
  status: 'ok' | 'failed' | 'timeout' | 'skipped'
  note: string | null
  result: Record<string, unknown> | null
  tail?: string[]
}

function run(command: string, args: string[], logPath: string, env: NodeJS.ProcessEnv): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const log = createWriteStream(logPath)
    const child = spawn(command, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout.pipe(log, { end: false })
    child.stderr.pipe(log, { end: false })
    child.once('error', reject)
    child.once('close', (code) => log.end(() => resolve(code)))
  })
}

describe('gpu-check: pack, then the CPU dry run of the packed script', () => {
  let tmp: ReturnType<typeof makeTempDir>
  let pack: string
  let out: string
  let steps: Record<string, StepEntry>
  const env = { ...process.env, MALT_DATA_DIR: sharedDataDir() }
  const python = join(repoRoot, 'resources', 'python', '.venv', 'bin', 'python')

  const sharedLocalBuilds = join(repoRoot, 'node_modules', 'node-llama-cpp', 'llama', 'localBuilds')
  let sharedLocalBuildsBefore: boolean

  beforeAll(async () => {
    sharedLocalBuildsBefore = existsSync(sharedLocalBuilds)
    tmp = makeTempDir('malt-gpu-check-')
    pack = join(tmp.dir, 'pack')
    out = join(tmp.dir, 'out')
    const packCode = await run(process.execPath, [join(repoRoot, 'scripts', 'gpu-check-pack.mjs'), '--out', pack], join(tmp.dir, 'pack.log'), env)
    if (packCode !== 0) throw new Error(`gpu-check-pack exited ${packCode}:\n${readFileSync(join(tmp.dir, 'pack.log'), 'utf8').slice(-3000)}`)

    // node-llama-cpp's prebuilt CPU binary in the layout a build of the check leaves (Release/: the addon and its libraries).
    const prebuilt = join(tmp.dir, 'prebuilt')
    cpSync(join(repoRoot, 'node_modules', '@node-llama-cpp', 'linux-x64', 'bins', 'linux-x64'), join(prebuilt, 'Release'), { recursive: true })
    rmSync(join(prebuilt, 'Release', '_nlcBuildMetadata.json'), { force: true })

    const checkLog = join(tmp.dir, 'check.log')
    await run('bash', [join(pack, 'gpu-check.sh'), '--cpu', '--prebuilt', prebuilt, '--work', join(tmp.dir, 'work'), '--out', out, '--python', python], checkLog, env)
    if (!existsSync(join(out, 'summary.json'))) throw new Error(`gpu-check.sh wrote no summary:\n${readFileSync(checkLog, 'utf8').slice(-3000)}`)
    steps = (JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { steps: Record<string, StepEntry> }).steps
  })
  afterAll(() => tmp.cleanup())

  it('packs everything the GPU machine needs in less than 64 MiB', () => {
    const manifest = JSON.parse(readFileSync(join(pack, 'MANIFEST.json'), 'utf8')) as { totalBytes: number; parts: Record<string, unknown> }
    expect(manifest.totalBytes).toBeLessThan(64 * 1024 * 1024)
    expect(Object.keys(manifest.parts).sort()).toEqual(['app', 'inputs', 'llamaCpp', 'node', 'node_modules', 'python'])
    for (const file of ['node/node.xz', 'node/include/node_api.h', 'node_modules.tar.xz', 'llama.cpp.tar.xz', 'app/gpu-check-app.mjs', 'python/malt_runner/train.py', 'models/smollm2-tokenizer.gguf', 'data/gsm8k/train.jsonl', 'gpu-check.sh', 'gpu-check/unpack.py']) {
      expect(existsSync(join(pack, file)), file).toBe(true)
    }
    // The prebuilt binaries are what the GPU machine builds itself: none may travel.
    expect(statSync(join(pack, 'node_modules.tar.xz')).size).toBeLessThan(8 * 1024 * 1024)
  })

  it('runs every step of the dry run but the build, and says why the build was skipped', () => {
    const failures = stepsThatMustRun.filter((name) => steps[name]?.status !== 'ok').map((name) => `${name}: ${JSON.stringify(steps[name])}`)
    expect(failures).toEqual([])
    expect(steps.build).toMatchObject({ status: 'skipped' })
    expect(steps.build!.note).toMatch(/--prebuilt .*using that build/)
  })

  it('trains SFT then DPO through the runner and loads the DPO adapter into the agents', () => {
    const jobs = steps.train!.result!.jobs as { stage: string; device: string; steps: number; adapterGguf: string }[]
    expect(jobs.map((job) => [job.stage, job.device, job.steps])).toEqual([
      ['sft', 'cpu', 2],
      ['dpo', 'cpu', 2]
    ])
    const adapter = steps.adapter!.result!
    expect(adapter.adapter).toBe(jobs[1]!.adapterGguf)
    expect(adapter.adapterTokens).toBeGreaterThan(0)
    expect(typeof adapter.differsFromBase).toBe('boolean')
  })

  it('installs the build into its own unpacked node-llama-cpp, never into the checkout\'s', () => {
    expect(steps['install-build']!.result).toMatchObject({ ok: true, buildType: 'localBuild', folder: 'linux-x64', autoPicks: { gpu: null, buildType: 'localBuild' } })
    expect(existsSync(join(tmp.dir, 'work', 'node_modules', 'node-llama-cpp', 'llama', 'localBuilds', 'linux-x64', 'Release', 'llama-addon.node'))).toBe(true)
    expect(existsSync(sharedLocalBuilds)).toBe(sharedLocalBuildsBefore)
  })

  it('measures both benches on the installed local build and prints one table', () => {
    const tree = steps.tree!.result!
    expect(tree.tree_tps).toBeGreaterThan(0)
    expect(tree.ceiling_tps).toBeGreaterThan(0)
    expect(tree.batched_bench_tps).toBeNull()
    const rows = steps.agents!.result!.rows as { sequences: number }[]
    expect(rows.map((row) => row.sequences)).toEqual([1, 2])
    const table = readFileSync(join(out, 'summary.md'), 'utf8')
    expect(table).toMatch(/\| step +\| status +\| s\/limit +\| what it measured \|/)
    expect(table).toMatch(/\| adapter +\| ok /)
    expect(table).toMatch(/total \d+ s; every step that ran succeeded/)
    expect(existsSync(join(out, 'logs.tar.gz'))).toBe(true)
  })
})
