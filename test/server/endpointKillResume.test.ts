import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Workbench } from '../../src/main/app/Workbench'
import { nodesPerQuestion } from '../../src/main/domain/search/treeShape'
import { startLlamaServer, type RunningLlamaServer } from '../support/llamaServer'
import { tinyModelPath } from '../support/models'
import { makeTempDir, sharedDataFile } from '../support/paths'

/**
 * Issue #13's fault promise on a real server: the llama-server behind `endpoint:tiny` is killed (SIGKILL) in the middle
 * of a tree search. The run pauses with an error naming the endpoint; once the server is back on the same address,
 * resume finishes the run with exactly n + n² + n³ nodes per question, none duplicated, none stored before the kill
 * changed.
 */

const branching = 2
const questionCount = 4
const temp = makeTempDir('malt-endpoint-kill-')
let server: RunningLlamaServer
let workbench: Workbench

interface StoredNode {
  id: number
  question_id: number
  path: string
  text: string
  seed: number
}

beforeAll(async () => {
  server = await startLlamaServer({ model: tinyModelPath(), parallel: 4 })
  workbench = Workbench.open({ databasePath: join(temp.dir, 'w.sqlite'), dataFolder: null, transport: 'cli' })
  // Few retries, so the pause comes within seconds of the kill.
  workbench.endpoints.add({ name: 'tiny', baseUrl: server.baseUrl, servedModel: 'tiny', loraStyle: 'llama-server', maxRetries: 1, timeoutSeconds: 60 })
})

afterAll(async () => {
  await workbench?.dispose()
  await server?.kill()
  temp.cleanup()
})

function storedNodes(runId: number): StoredNode[] {
  return workbench.store.db.prepare('SELECT id, question_id, path, text, seed FROM tree_nodes WHERE run_id = ? ORDER BY id').all(runId) as StoredNode[]
}

describe('an endpoint that dies mid-run', () => {
  it('pauses the run with an error naming the endpoint; resume finishes it exactly', async () => {
    const lines = readFileSync(sharedDataFile('gsm8k/train.jsonl'), 'utf8').split('\n').filter((line) => line.trim())
    mkdirSync(join(temp.dir, 'gsm8k'))
    const file = join(temp.dir, 'gsm8k', 'train.jsonl')
    writeFileSync(file, lines.slice(0, questionCount).join('\n') + '\n')
    const { datasetId } = await workbench.datasets.importFile(file, { name: 'gsm8k', format: 'gsm8k' })
    const run = workbench.runs.create({
      datasetId,
      split: 'train',
      limit: null,
      branching,
      seed: 11,
      // Long enough outputs that the kill lands while requests are in flight.
      sampling: { temperature: 0.3, topP: 1, maxTokens: 96 },
      questionConcurrency: 2,
      modelPath: 'endpoint:tiny',
      start: false
    })
    const expected = questionCount * nodesPerQuestion(branching)

    const first = workbench.runs.start(run.id)
    const deadline = Date.now() + 120_000
    while (storedNodes(run.id).length < 6) {
      if (Date.now() > deadline) throw new Error(`no nodes stored within 120 s; server log:\n${server.log().slice(-2000)}`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    await server.kill()
    await first.done
    const paused = workbench.runs.summary(run.id)
    expect(paused.status).toBe('paused')
    expect(paused.error).toContain(`endpoint 'tiny' (${server.baseUrl})`)
    expect(paused.error).toContain('resume')
    // The job ends with the same error, so the CLI and the jobs list say why the run stopped.
    expect(workbench.jobs.get(first.jobId)?.error?.message).toBe(paused.error)
    const before = storedNodes(run.id)
    expect(before.length).toBeGreaterThanOrEqual(6)
    expect(before.length).toBeLessThan(expected)

    // Resuming while the server is still down pauses again at once, storing nothing and losing nothing.
    await workbench.runs.start(run.id).done
    expect(workbench.runs.summary(run.id).status).toBe('paused')
    expect(storedNodes(run.id)).toEqual(before)

    server = await startLlamaServer({ model: tinyModelPath(), parallel: 4, port: server.port })
    await workbench.runs.start(run.id).done
    const summary = workbench.runs.summary(run.id)
    expect(summary.status).toBe('completed')
    expect(summary.error).toBeNull()

    const after = storedNodes(run.id)
    expect(after).toHaveLength(expected)
    expect(new Set(after.map((node) => `${node.question_id}/${node.path}`)).size).toBe(expected)
    const byId = new Map(after.map((node) => [node.id, node]))
    for (const node of before) expect(byId.get(node.id)).toEqual(node)
    const perQuestion = new Map<number, number>()
    for (const node of after) perQuestion.set(node.question_id, (perQuestion.get(node.question_id) ?? 0) + 1)
    expect([...perQuestion.values()]).toEqual(Array.from({ length: questionCount }, () => nodesPerQuestion(branching)))
  })
})
