import { type Role, roles } from '@shared/roles'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Workbench } from '../../src/main/app/Workbench'
import { runCli } from '../../src/main/cli/runCli'
import type { DpoRecord, SftRecord, TreeRecord } from '../../src/main/domain/export/toTrlRecords'
import { buildTrainingSets } from '../../src/main/domain/search/buildTrainingSets'
import { computeCredit } from '../../src/main/domain/search/computeCredit'
import { nodesPerQuestion } from '../../src/main/domain/search/treeShape'
import { captureIo } from '../support/captureIo'
import { smolModelPath } from '../support/models'
import { makeTempDir } from '../support/paths'

/**
 * A real MALT data-generation run (issue #4, item 7): SmolLM2-135M-Instruct through node-llama-cpp, two GSM8K-format
 * questions, n = 2, all through the `malt` CLI (generate, runs, export). Checks the node counts, the three export
 * formats, and that credit assignment recomputed from the exported tree with the pure domain functions gives exactly
 * the exported values, labels, SFT examples and DPO pairs.
 */

const branching = 2
/**
 * Two one-step sums in GSM8K's format. A 135M model gets about half of these right (measured: 10 of 20), so the trees
 * have ✓ and ✗ nodes and the exports real pairs. Real GSM8K questions were tried first, but whether SmolLM2 gets any
 * leaf of them right swings with every prompt change (two easy ones went from 4 right leaves to none).
 */
const questions = [
  { question: 'What is 4 + 3?', answer: '4 + 3 = <<4+3=7>>7\n#### 7' },
  { question: 'What is 2 + 5?', answer: '2 + 5 = <<2+5=7>>7\n#### 7' }
]
const questionCount = questions.length
const temp = makeTempDir('malt-tree-smol-')
const databasePath = join(temp.dir, 'w.sqlite')
const dataFile = join(temp.dir, 'gsm8k', 'train.jsonl')
let runId: number

async function malt(args: string[]): Promise<string> {
  const io = captureIo()
  const code = await runCli(args, io)
  if (code !== 0) throw new Error(`malt ${args.join(' ')} exited with ${code}:\n${io.errText()}`)
  return io.outText()
}

async function exportLines<T>(what: 'tree' | 'sft' | 'dpo', role?: Role, extra: string[] = []): Promise<T[]> {
  const out = join(temp.dir, `${what}-${role ?? 'all'}-${extra.join('')}.jsonl`)
  await malt(['export', '--db', databasePath, '--run', String(runId), '--what', what, ...(role ? ['--role', role] : []), '--out', out, ...extra])
  return readFileSync(out, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as T)
}

beforeAll(async () => {
  mkdirSync(join(temp.dir, 'gsm8k'))
  writeFileSync(dataFile, questions.map((question) => JSON.stringify(question)).join('\n') + '\n')
  const workbench = Workbench.open({ databasePath, dataFolder: null, transport: 'cli' })
  workbench.models.saveEngineSettings({ gpu: false, maxThreads: 1, gpuLayers: 0, sequencesPerRole: 4, contextSize: 1024 })
  await workbench.dispose()

  const out = await malt([
    'generate',
    '--db', databasePath,
    '--model', smolModelPath(),
    '--dataset', dataFile,
    '--branching', String(branching),
    '--seed', '0',
    '--max-tokens', '80',
    '--concurrency', String(questionCount)
  ])
  runId = Number(out.trim().split('\n').at(-1))
  // 28 nodes of SmolLM2 on one thread: about a minute alone, several when the machine is shared.
}, 900_000)

afterAll(() => temp.cleanup())

describe('a MALT tree search on SmolLM2 through the CLI', () => {
  it('stores n + n² + n³ nodes per question and lists the run as complete', async () => {
    expect(Number.isInteger(runId)).toBe(true)
    const listing = await malt(['runs', '--db', databasePath])
    const expected = questionCount * nodesPerQuestion(branching)
    expect(listing.split('\n')[0]).toMatch(new RegExp(`^${runId}\\tcompleted\\t.*${expected}/${expected}`))
  })

  it('exports the tree: one line per node with its place, text, answer, reward, value and label', async () => {
    const tree = await exportLines<TreeRecord>('tree')
    expect(tree).toHaveLength(questionCount * nodesPerQuestion(branching))
    for (const line of tree) {
      expect(Object.keys(line).sort()).toEqual(
        ['answer', 'branch', 'label', 'node_id', 'parent_id', 'path', 'question_id', 'reward', 'role', 'run_id', 'text', 'value'].sort()
      )
      expect(line.run_id).toBe(runId)
      expect(typeof line.text).toBe('string')
      expect(line.text.length).toBeGreaterThan(0)
      if (line.role === 'refiner') expect([0, 1]).toContain(line.reward)
      else expect(line.reward).toBeNull()
      expect(line.value).toBeGreaterThanOrEqual(0)
      expect(line.value).toBeLessThanOrEqual(1)
      expect(line.label).toBe(line.value! > 0.5)
    }
    const byQuestion = new Map<number, TreeRecord[]>()
    for (const line of tree) byQuestion.set(line.question_id, [...(byQuestion.get(line.question_id) ?? []), line])
    expect(byQuestion.size).toBe(questionCount)
    for (const nodes of byQuestion.values()) {
      for (const [depth, role] of roles.entries()) {
        const ofRole = nodes.filter((node) => node.role === role)
        expect(ofRole).toHaveLength(branching ** (depth + 1))
        // n children per parent, branches 0..n-1.
        const parents = new Map<number | null, number[]>()
        for (const node of ofRole) parents.set(node.parent_id, [...(parents.get(node.parent_id) ?? []), node.branch])
        for (const branches of parents.values()) expect(branches.sort()).toEqual([0, 1])
      }
    }
  })

  for (const setting of [
    { name: 'θ = 0.5, global pooling (the paper’s default)', threshold: 0.5, pooling: 'global' as const, args: [] as string[] },
    // θ = 0 labels every node with any right leaf ✓, so a tiny model's few right answers still make pairs.
    { name: 'θ = 0, local pooling', threshold: 0, pooling: 'local' as const, args: ['--threshold', '0', '--pooling', 'local'] }
  ]) {
    it(`gives exactly the exported SFT examples and DPO pairs when credit is recomputed from the exported tree (${setting.name})`, async () => {
      const tree = await exportLines<TreeRecord>('tree', undefined, setting.args)
      const byId = new Map(tree.map((line) => [line.node_id, line]))
      const nodes = tree.map((line) => ({ id: line.node_id, parentId: line.parent_id, questionId: line.question_id, role: line.role, reward: line.reward }))
      const credit = computeCredit(nodes, { threshold: setting.threshold, pooling: setting.pooling })
      for (const line of tree) expect({ value: line.value, label: line.label }).toEqual(credit.get(line.node_id))
      const sets = buildTrainingSets(nodes, credit)

      let sftCount = 0
      let pairCount = 0
      for (const role of roles) {
        const sft = await exportLines<SftRecord>('sft', role, setting.args)
        expect(sft.map((line) => line.meta.node_id)).toEqual(sets.sft.filter((example) => example.role === role).map((example) => example.nodeId))
        for (const line of sft) {
          const node = byId.get(line.meta.node_id)!
          expect(line.meta).toEqual({ run_id: runId, question_id: node.question_id, node_id: node.node_id, role, value: node.value })
          expect(line.completion).toEqual([{ role: 'assistant', content: node.text }])
          expect(line.prompt.length).toBeGreaterThanOrEqual(2)
          for (const message of line.prompt) expect(['system', 'user', 'assistant']).toContain(message.role)
          expect(line.prompt.at(-1)!.role).toBe('user')
        }
        sftCount += sft.length

        const dpo = await exportLines<DpoRecord>('dpo', role, setting.args)
        expect(dpo.map((line) => [line.meta.chosen_node_id, line.meta.rejected_node_id, line.meta.parent_node_id])).toEqual(
          sets.pairs.filter((pair) => pair.role === role).map((pair) => [pair.chosenNodeId, pair.rejectedNodeId, pair.parentNodeId])
        )
        for (const line of dpo) {
          const chosen = byId.get(line.meta.chosen_node_id)!
          const rejected = byId.get(line.meta.rejected_node_id)!
          expect(Object.keys(line).sort()).toEqual(['chosen', 'meta', 'prompt', 'rejected'])
          expect(line.meta).toMatchObject({ run_id: runId, question_id: chosen.question_id, role })
          expect(line.chosen).toEqual([{ role: 'assistant', content: chosen.text }])
          expect(line.rejected).toEqual([{ role: 'assistant', content: rejected.text }])
          expect(chosen.parent_id).toBe(rejected.parent_id)
          expect(line.meta.parent_node_id).toBe(role === 'generator' ? null : chosen.parent_id)
        }
        pairCount += dpo.length
      }
      console.log(`${setting.name}: ${sftCount} SFT examples, ${pairCount} DPO pairs`)
      // Not a vacuous match: the run has right and wrong leaves, so there is training data to compare (measured: 22
      // examples and 2 pairs at θ = 0.5, 24 and 2 at θ = 0). Only the lenient setting must find data, since at θ = 0.5
      // another CPU's numerics may leave every node of a 135M model under the threshold.
      if (setting.threshold === 0) expect(sftCount, 'SmolLM2 got no leaf of either question right').toBeGreaterThan(0)
    })
  }
})
