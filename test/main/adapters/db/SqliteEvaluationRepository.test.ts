import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SqliteDatasetRepository } from '../../../../src/main/adapters/db/SqliteDatasetRepository'
import { SqliteEvaluationRepository } from '../../../../src/main/adapters/db/SqliteEvaluationRepository'
import type { NewEvalOutput } from '../../../../src/main/services/ports/EvaluationRepository'
import { WorkbenchDatabase } from '../../../../src/main/adapters/db/WorkbenchDatabase'
import type { EvaluationConfig } from '../../../../src/shared/api/schemas/evaluations'

describe('SqliteEvaluationRepository', () => {
  let store: WorkbenchDatabase
  let repository: SqliteEvaluationRepository
  let questionIds: number[]
  let config: EvaluationConfig

  beforeEach(() => {
    store = WorkbenchDatabase.open(':memory:')
    const datasets = new SqliteDatasetRepository(store)
    const dataset = datasets.create({ name: 'g', benchmark: 'gsm8k', format: 'gsm8k' })
    datasets.storeQuestions(dataset.id, 'test', [1, 2].map((n) => ({ externalId: `q${n}`, line: n, question: `${n}?`, answer: String(n), choices: null, solution: null, metadata: {} })), 't.jsonl')
    questionIds = datasets.questionsOf(dataset.id, 'test').map((q) => q.id)
    config = {
      datasetId: dataset.id,
      split: 'test',
      configurations: [{ id: 'sa', label: 'SA', pipeline: 'G', adapters: { generator: 'base', verifier: 'base', refiner: 'base' }, votes: 1, answerFrom: 'generator' }],
      adapterSets: {},
      questionIds,
      subsetSize: 2,
      seeds: [0],
      votes: 3,
      debate: { agents: 3, rounds: 3 },
      sampling: { temperature: 0.3, topP: 1, maxTokens: 16 },
      modelPath: '/m.gguf',
      templateIds: { generator: 1, verifier: 2, refiner: 3 },
      questionConcurrency: 2
    }
    repository = new SqliteEvaluationRepository(store)
  })
  afterEach(() => store.close())

  const output = (evaluationId: number, questionId: number, key: string): NewEvalOutput => ({
    evaluationId,
    questionId,
    seed: 0,
    key,
    pass: 0,
    stage: 'generator',
    role: 'generator',
    adapter: 'base',
    prompt: [{ role: 'user', content: 'q' }],
    text: `text of ${key}`,
    answer: '2',
    correct: questionId === questionIds[1],
    samplingSeed: 7,
    stopReason: 'eos',
    promptTokens: 3,
    evaluatedPromptTokens: 3,
    completionTokens: 4,
    durationMs: 5
  })

  it('stores an evaluation with its config and each unit once', () => {
    const id = repository.create({ name: 'e', config })
    expect(repository.get(id)).toMatchObject({ name: 'e', status: 'created', config, resultsJson: null })
    repository.insertOutput(output(id, questionIds[0]!, 'p0/G[base]'))
    repository.insertOutput(output(id, questionIds[1]!, 'p0/G[base]'))
    expect(() => repository.insertOutput(output(id, questionIds[0]!, 'p0/G[base]'))).toThrow(/UNIQUE/)
    expect(repository.unitCount(id)).toBe(2)
    expect(repository.storedOfItem(id, 0, questionIds[0]!)).toEqual([{ key: 'p0/G[base]', text: 'text of p0/G[base]' }])
    expect(repository.countsByItem(id).map((c) => c.units)).toEqual([1, 1])
    const [full] = repository.outputsOf(id, [{ seed: 0, questionId: questionIds[1]! }], { prompts: true })
    expect(full).toMatchObject({ key: 'p0/G[base]', correct: true, prompt: [{ role: 'user', content: 'q' }], samplingSeed: 7, completionTokens: 4 })
    expect(repository.outputsOf(id, [{ seed: 1, questionId: questionIds[1]! }])).toEqual([])
  })

  it('writes results and verdicts together, and removes an evaluation with everything it stored', () => {
    const id = repository.create({ name: 'e', config })
    repository.insertOutput(output(id, questionIds[0]!, 'p0/G[base]'))
    repository.storeResults(id, '{"x":1}', [{ configuration: 'sa', seed: 0, questionId: questionIds[0]!, answer: '2', correct: false, detail: {} }])
    repository.setStatus(id, 'completed')
    expect(repository.get(id)).toMatchObject({ status: 'completed', resultsJson: '{"x":1}', finishedAt: expect.any(String) })
    expect(store.db.prepare('SELECT count(*) AS n FROM eval_items').get()).toEqual({ n: 1 })
    expect(repository.remove(id)).toBe(true)
    expect(store.db.prepare('SELECT (SELECT count(*) FROM eval_items) + (SELECT count(*) FROM eval_outputs) AS n').get()).toEqual({ n: 0 })
    expect(() => repository.get(id)).toThrow(/no evaluation with id/)
  })
})
