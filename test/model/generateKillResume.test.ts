import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Workbench } from '../../src/main/app/Workbench'
import { nodesPerQuestion } from '../../src/main/domain/search/treeShape'
import { tinyModelPath } from '../support/models'
import { makeTempDir, repoRoot, sharedDataFile } from '../support/paths'

/**
 * Issue #4's crash-safety promise, on a real process: `malt generate` on the tiny model is killed with SIGKILL in the
 * middle of its tree search, and `malt generate --resume` finishes the run with exactly n + n² + n³ nodes per
 * question, none duplicated, and every node stored before the kill left as it was.
 */

const branching = 2
const questionCount = 4
const temp = makeTempDir('malt-kill-resume-')
const databasePath = join(temp.dir, 'w.sqlite')
// Named like the shared data (gsm8k/train.jsonl), so `--dataset FILE` recognizes its format and split.
const dataFile = join(temp.dir, 'gsm8k', 'train.jsonl')
let workbench: Workbench
const spawned: ChildProcess[] = []

interface StoredNode {
  id: number
  question_id: number
  parent_id: number | null
  role: string
  branch: number
  path: string
  text: string
  seed: number
}

beforeAll(() => {
  // A few real GSM8K train questions, as a data set of their own that `malt generate --dataset FILE` imports.
  const lines = readFileSync(sharedDataFile('gsm8k/train.jsonl'), 'utf8').split('\n').filter((line) => line.trim())
  mkdirSync(join(temp.dir, 'gsm8k'))
  writeFileSync(dataFile, lines.slice(0, questionCount).join('\n') + '\n')
  // This connection only prepares the store and then watches the other processes' commits.
  workbench = Workbench.open({ databasePath, dataFolder: null, transport: 'cli' })
  // One thread (the machine is shared); contexts big enough for a refiner prompt holding two 96-token outputs.
  workbench.models.saveEngineSettings({ gpu: false, maxThreads: 1, gpuLayers: 0, sequencesPerRole: 4, contextSize: 1024 })
})

afterAll(async () => {
  for (const child of spawned) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  await workbench?.dispose()
  temp.cleanup()
})

/** The real CLI in one process (`node --import tsx`, no tsx wrapper process), so SIGKILL hits the generator itself. */
function spawnMalt(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli/main.ts', ...args], {
    cwd: repoRoot,
    env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.node.json' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  spawned.push(child)
  let stdout = ''
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
    output += chunk.toString()
  })
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })))
  return { child, exited, stdout: () => stdout, output: () => output }
}

function storedNodes(runId: number): StoredNode[] {
  return workbench.store.db
    .prepare('SELECT id, question_id, parent_id, role, branch, path, text, seed FROM tree_nodes WHERE run_id = ? ORDER BY id')
    .all(runId) as StoredNode[]
}

describe('malt generate killed with SIGKILL and resumed', () => {
  it('finishes with exactly n + n² + n³ nodes per question, none duplicated, none stored before the kill changed', async () => {
    const first = spawnMalt([
      'generate',
      '--db', databasePath,
      '--model', tinyModelPath(),
      '--dataset', dataFile,
      '--split', 'train',
      '--branching', String(branching),
      '--seed', '7',
      '--max-tokens', '96',
      '--temperature', '0.8',
      '--concurrency', '2'
    ])

    // Kill it once some nodes are committed, well before the end (the other process's commits are visible here).
    const expectedPerQuestion = nodesPerQuestion(branching)
    const total = questionCount * expectedPerQuestion
    const count = () => (workbench.store.db.prepare('SELECT count(*) AS n FROM tree_nodes').get() as { n: number }).n
    const deadline = Date.now() + 120_000
    while (count() < 6) {
      if (first.child.exitCode !== null || Date.now() > deadline) throw new Error(`malt generate ended or stalled before it was killed:\n${first.output()}`)
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    first.child.kill('SIGKILL')
    expect((await first.exited).signal).toBe('SIGKILL')

    const run = workbench.runs.list()[0]!
    expect(run.status).toBe('running') // as the killed process left it: nothing got to mark it
    const beforeResume = storedNodes(run.id)
    expect(beforeResume.length).toBeGreaterThanOrEqual(6)
    expect(beforeResume.length).toBeLessThan(total)

    const resumed = spawnMalt(['generate', '--db', databasePath, '--resume', String(run.id)])
    const exit = await resumed.exited
    expect(exit.code, resumed.output()).toBe(0)
    expect(resumed.stdout().trim().split('\n').at(-1)).toBe(String(run.id))

    const after = storedNodes(run.id)
    expect(workbench.runs.summary(run.id)).toMatchObject({ status: 'completed', nodeCount: total, completeQuestions: questionCount })
    // Exactly n + n² + n³ per question, in the shape of the tree.
    const byQuestion = new Map<number, StoredNode[]>()
    for (const node of after) byQuestion.set(node.question_id, [...(byQuestion.get(node.question_id) ?? []), node])
    expect(byQuestion.size).toBe(questionCount)
    for (const nodes of byQuestion.values()) {
      expect(nodes).toHaveLength(expectedPerQuestion)
      expect(nodes.filter((node) => node.role === 'generator')).toHaveLength(branching)
      expect(nodes.filter((node) => node.role === 'verifier')).toHaveLength(branching ** 2)
      expect(nodes.filter((node) => node.role === 'refiner')).toHaveLength(branching ** 3)
    }
    // No (parent, branch) twice; every child's parent is one level up its path.
    const slots = after.map((node) => `${node.question_id}/${node.parent_id ?? 'root'}/${node.branch}`)
    expect(new Set(slots).size).toBe(after.length)
    const byId = new Map(after.map((node) => [node.id, node]))
    for (const node of after) {
      if (node.parent_id === null) expect(node.role).toBe('generator')
      else expect(node.path.slice(0, node.path.lastIndexOf('.'))).toBe(byId.get(node.parent_id)!.path)
    }
    // What was stored before the kill is untouched: same ids, texts and seeds, and nothing was generated twice.
    for (const node of beforeResume) expect(byId.get(node.id)).toEqual(node)
    expect(after.filter((node) => !beforeResume.some((old) => old.id === node.id))).toHaveLength(total - beforeResume.length)
  })

  it('Ctrl+C (SIGINT) pauses the run, prints its id and exits 130', async () => {
    const runsBefore = workbench.runs.list().length
    const child = spawnMalt([
      'generate',
      '--db', databasePath,
      '--model', tinyModelPath(),
      '--dataset', dataFile,
      '--split', 'train',
      '--branching', String(branching),
      '--seed', '8',
      '--max-tokens', '96',
      '--concurrency', '1'
    ])
    const deadline = Date.now() + 120_000
    const newRun = () => (workbench.runs.list().length > runsBefore ? workbench.runs.list()[0]! : null)
    while (!newRun() || workbench.runs.summary(newRun()!.id).nodeCount < 2) {
      if (child.child.exitCode !== null || Date.now() > deadline) throw new Error(`malt generate ended or stalled before Ctrl+C:\n${child.output()}`)
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    child.child.kill('SIGINT')
    const exit = await child.exited
    const run = newRun()!
    expect(exit.code, child.output()).toBe(130)
    expect(child.stdout().trim().split('\n').at(-1)).toBe(String(run.id))
    expect(workbench.runs.summary(run.id).status).toBe('paused')
  })
})
