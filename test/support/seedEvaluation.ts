/**
 * A realistic evaluation in a database, for UI tests whose charts need numbers a random model cannot give.
 *
 * It goes through the real code path (`Workbench` → `EvaluationService` → `evaluateItem` → `EvaluationRepository`)
 * with real GSM8K questions, prompt templates and grader; only the language model is seedRun's scripted stand-in,
 * a little better on roles that carry an adapter (so MALT beats the baselines and trained and untrained verifiers
 * disagree on some items, as in the paper).
 */
import type { GeneratedText, GenerationRequest, LanguageModelPort } from '../../src/main/domain/agents/types'
import { Workbench } from '../../src/main/app/Workbench'
import type { AgentHost } from '../../src/main/services/ports/AgentHost'
import { sharedDataDir, sharedDataFile } from './paths'
import { readGsm8kGolds, ScriptedGsm8kModel, scriptedModelPath } from './seedRun'

export interface SeedEvaluationOptions {
  databasePath: string
  configurations: string[]
  /** Registered adapter ids of the MALT set (any GGUF path will do: the stand-in never opens it). */
  malt: { generator: number; verifier: number; refiner: number }
  subsetSize?: number
  seeds?: number[]
  name?: string
}

export async function seedEvaluation(options: SeedEvaluationOptions): Promise<{ evaluationId: number; status: string }> {
  const golds = readGsm8kGolds(sharedDataFile('gsm8k/test.jsonl'))
  const base = new ScriptedGsm8kModel(golds, () => undefined)
  const trained = new ScriptedGsm8kModel(golds, () => undefined, true)
  // Roles are trained per request: the service asks for one adapter on all three roles at once.
  const agentHost: AgentHost = {
    agents: async (setup) => {
      const model: LanguageModelPort = {
        generate: (request: GenerationRequest): Promise<GeneratedText[]> => (setup.adapters?.[request.role] ? trained : base).generate(request)
      }
      return model
    },
    dispose: async () => undefined
  }
  const workbench = Workbench.open({ databasePath: options.databasePath, dataFolder: sharedDataDir(), transport: 'cli', agentHost })
  try {
    const existing = workbench.datasets.list().find((dataset) => dataset.name === 'gsm8k')
    const datasetId = existing?.id ?? (await workbench.datasets.importFile(sharedDataFile('gsm8k/test.jsonl'), { name: 'gsm8k', format: 'gsm8k' })).datasetId
    const created = workbench.evaluations.create({
      datasetId,
      configurations: options.configurations,
      adapterSets: { malt: options.malt },
      seeds: options.seeds ?? [0, 1, 2, 3],
      subsetSize: options.subsetSize ?? 25,
      modelPath: scriptedModelPath,
      ...(options.name ? { name: options.name } : {}),
      start: false
    })
    await workbench.evaluations.start(created.id).done
    return { evaluationId: created.id, status: workbench.evaluations.view(created.id).status }
  } finally {
    await workbench.dispose()
  }
}
