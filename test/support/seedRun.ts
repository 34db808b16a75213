/**
 * A realistic generation run in a fresh database, for UI tests that cannot wait for (or do not have) a language model.
 *
 * The run goes through the real code path — `Workbench` → `TreeSearchService` → `expandQuestionTree` →
 * `RunRepository` — with real GSM8K questions, real prompt templates and the real grader; only the language model
 * is a scripted stand-in (`ScriptedGsm8kModel`). It writes plausible GSM8K solutions, critiques and refinements and
 * is right about as often as a small instruct model: generators ~45 %, refinements ~75 % after a right generation
 * and ~35 % after a wrong one, so trees have mixed values, ✓/✗ labels, pairs, and wrong→right / right→wrong flips.
 *
 * Usage: `const { runId } = await seedRun({ databasePath })`. The browser test prefers a real `malt generate` run on
 * the tiny GGUF and falls back to this one only while the node-llama-cpp agent host is not available.
 */
import { readFileSync } from 'node:fs'
import type { ChatMessage, GeneratedText, GenerationRequest, LanguageModelPort } from '../../src/main/domain/agents/types'
import { parseGsm8kGold } from '../../src/main/domain/grading/parseGsm8kGold'
import { createRandom } from '../../src/main/domain/random/seededRandom'
import { Workbench } from '../../src/main/app/Workbench'
import type { AgentHost } from '../../src/main/services/ports/AgentHost'
import { sharedDataDir, sharedDataFile } from './paths'

export interface SeedRunOptions {
  /** The SQLite file; created if missing. */
  databasePath: string
  /** Questions of gsm8k/test in the run. Defaults to 24. */
  limit?: number
  /** n. Defaults to 3 (39 nodes per question). */
  branching?: number
  /** Run seed. Defaults to 0. */
  seed?: number
  name?: string
  /** Pause the run after this many stored nodes, leaving it resumable (a partly done run). Defaults to never. */
  pauseAfterNodes?: number
}

export interface SeededRun {
  runId: number
  datasetId: number
  status: string
  nodeCount: number
}

/** Where the scripted model says it comes from; shown as the run's model path. */
export const scriptedModelPath = 'scripted://gsm8k-stand-in (test/support/seedRun.ts)'

export async function seedRun(options: SeedRunOptions): Promise<SeededRun> {
  const golds = readGsm8kGolds(sharedDataFile('gsm8k/test.jsonl'))
  let stored = 0
  let onStored: () => void = () => undefined
  const model = new ScriptedGsm8kModel(golds, () => {
    stored++
    onStored()
  })
  const agentHost: AgentHost = { agents: async () => model, dispose: async () => undefined }
  const workbench = Workbench.open({ databasePath: options.databasePath, dataFolder: sharedDataDir(), transport: 'cli', agentHost })
  try {
    const existing = workbench.datasets.list().find((dataset) => dataset.name === 'gsm8k')
    const datasetId = existing?.id ?? (await workbench.datasets.importFile(sharedDataFile('gsm8k/test.jsonl'), { name: 'gsm8k', format: 'gsm8k' })).datasetId
    const run = workbench.runs.create({
      datasetId,
      split: 'test',
      limit: options.limit ?? 24,
      subsetSeed: options.seed ?? 0,
      branching: options.branching ?? 3,
      seed: options.seed ?? 0,
      sampling: { temperature: 0.3, topP: 1, maxTokens: 512 },
      questionConcurrency: 4,
      modelPath: scriptedModelPath,
      ...(options.name ? { name: options.name } : {}),
      start: false
    })
    const pauseAt = options.pauseAfterNodes
    if (pauseAt !== undefined) {
      onStored = () => {
        if (stored === pauseAt) workbench.runs.pause(run.id)
      }
    }
    const { done } = workbench.runs.start(run.id)
    await done
    const summary = workbench.runs.summary(run.id)
    return { runId: run.id, datasetId, status: summary.status, nodeCount: summary.nodeCount }
  } finally {
    await workbench.dispose()
  }
}

export function readGsm8kGolds(file: string): { question: string; gold: string }[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as { question: string; answer: string })
    .map((record) => ({ question: record.question, gold: parseGsm8kGold(record.answer) ?? '0' }))
}

/**
 * A stand-in language model that writes GSM8K-shaped texts, right or wrong by a seeded coin. `trained` plays a role
 * carrying a MALT-trained adapter: a little more often right, as the paper's trained agents are.
 */
export class ScriptedGsm8kModel implements LanguageModelPort {
  constructor(
    private readonly golds: { question: string; gold: string }[],
    private readonly onSample: () => void,
    private readonly trained = false
  ) {}

  async generate(request: GenerationRequest): Promise<GeneratedText[]> {
    const prompt = request.messages.map((message: ChatMessage) => message.content).join('\n')
    const gold = this.golds.find((entry) => prompt.includes(entry.question))?.gold ?? '0'
    const results: GeneratedText[] = []
    for (const [index, seed] of request.seeds.entries()) {
      await new Promise((resolve) => setImmediate(resolve))
      if (request.signal?.aborted) break
      const text = this.write(request.role, prompt, gold, createRandom(seed))
      const result: GeneratedText = {
        text,
        stopReason: 'eos',
        promptTokens: Math.ceil(prompt.length / 4),
        evaluatedPromptTokens: index === 0 ? Math.ceil(prompt.length / 4) : 0,
        completionTokens: Math.ceil(text.length / 4),
        durationMs: 300 + Math.round(createRandom(seed + 1)() * 900)
      }
      results.push(result)
      request.onSampleDone?.(index, result)
      this.onSample()
    }
    return results
  }

  private write(role: GenerationRequest['role'], prompt: string, gold: string, random: () => number): string {
    const wrong = String(Number(gold) + 1 + Math.floor(random() * 9))
    const generationRight = statesAnswer(prompt, gold)
    switch (role) {
      case 'generator': {
        const answer = random() < (this.trained ? 0.6 : 0.45) ? gold : wrong
        return [
          'Let me work through this step by step.',
          'Step 1: Identify the quantities given in the problem.',
          `Step 2: Combine them in the order the problem describes; the intermediate total is ${Math.round(Number(gold) / 2)}.`,
          `Step 3: Apply the last operation and check the units.`,
          `Final Answer: ${answer}`
        ].join('\n')
      }
      case 'verifier': {
        const agrees = random() < (this.trained ? 0.85 : 0.7)
        const saysCorrect = generationRight ? agrees : !agrees
        return saysCorrect
          ? `The solution reads the quantities correctly and each step follows from the previous one.\nI re-computed the final operation and get the same result.\nThe solution is correct.\nFinal Answer: ${generationRight ? gold : wrong}`
          : `Step 2 combines the quantities in the wrong order, so the intermediate total is off.\nRe-doing the last operation gives a different result.\nThe solution is incorrect.\nFinal Answer: ${generationRight ? wrong : gold}`
      }
      case 'refiner': {
        const right = random() < (generationRight ? 0.78 : this.trained ? 0.5 : 0.35)
        return [
          'Taking the critique into account, I re-derive the answer.',
          'Step 1: The quantities are as stated in the problem.',
          'Step 2: Combining them in the right order gives the intermediate total.',
          `Final Answer: ${right ? gold : wrong}`
        ].join('\n')
      }
    }
  }
}

/** Whether a text says `Final Answer: <gold>` (and not a longer number starting with it). */
function statesAnswer(text: string, gold: string): boolean {
  const escaped = gold.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`Final Answer: ${escaped}(?![\\d.])`).test(text)
}
