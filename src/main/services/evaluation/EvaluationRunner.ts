import { perRole } from '@shared/roles'
import { aggregateEvaluation } from '../../domain/eval/aggregateEvaluation'
import { adapterIdsOf } from '../../domain/eval/adapterIdsOf'
import type { CompletedUnit, EvalModelPort, EvalQuestion } from '../../domain/eval/evaluateItem'
import { evaluateItem } from '../../domain/eval/evaluateItem'
import { itemKey } from '../../domain/eval/itemKey'
import type { EvalItemRef, EvaluationPlan } from '../../domain/eval/planEvaluation'
import { unitsOfItem } from '../../domain/eval/planEvaluation'
import type { UnitResult } from '../../domain/eval/turnAnswers'
import { adapterToken } from '../../domain/eval/WorkUnit'
import type { EventBus } from '../EventBus'
import type { JobContext } from '../JobManager'
import type { AdapterRepository } from '../ports/AdapterRepository'
import type { AgentHost, RoleAdapterSpec } from '../ports/AgentHost'
import type { DatasetRepository, StoredQuestion } from '../ports/DatasetRepository'
import type { EvaluationRecord, EvaluationRepository } from '../ports/EvaluationRepository'
import type { TransactionRunner } from '../ports/TransactionRunner'
import type { PromptService } from '../PromptService'
import { runResumableJob } from '../runResumableJob'

/** A running job marks its evaluation alive this often; readers take one silent for 30 s as interrupted. */
const touchEveryMs = 5_000

export interface EvaluationRunnerDeps {
  store: TransactionRunner
  evaluations: EvaluationRepository
  datasets: DatasetRepository
  prompts: PromptService
  adapters: AdapterRepository
  agentHost: AgentHost
  events: EventBus
  planOf(record: EvaluationRecord): EvaluationPlan
  questionLookup(): (questionId: number) => StoredQuestion
  /** Aggregates the stored units and stores the results, once every unit is stored. */
  storeResults(evaluationId: number): unknown
}

/**
 * Computes an evaluation's pending items in the background job (see runResumableJob): every unit stored as it
 * completes, running accuracies per configuration in the job's progress, and the results stored at completion.
 *
 * Each distinct adapter runs on one runtime whose three roles all carry it, so it costs exactly one llama.cpp
 * context however many roles and configurations use it.
 */
export class EvaluationRunner {
  constructor(private readonly deps: EvaluationRunnerDeps) {}

  async execute(evaluationId: number, job: JobContext): Promise<void> {
    const { evaluations, datasets, prompts, adapters, agentHost, events } = this.deps
    const record = evaluations.get(evaluationId)
    const config = record.config
    const plan = this.deps.planOf(record)
    const benchmark = datasets.get(record.datasetId).benchmark
    const templates = new Map(plan.units.map((unit) => [unit.key, unit]))

    // What is stored already: the running accuracies start from it, and items already complete are skipped.
    const resultsByItem = new Map<string, Map<string, UnitResult>>()
    const addResult = (result: UnitResult) => {
      const id = itemKey(result.seed, result.questionId)
      let units = resultsByItem.get(id)
      if (!units) resultsByItem.set(id, (units = new Map()))
      units.set(result.key, result)
    }
    for (const row of evaluations.unitRows(evaluationId)) addResult({ seed: row.seed, questionId: row.questionId, key: row.key, extracted: row.answer, correct: row.correct })
    const running = new Map(plan.configurations.map((configuration) => [configuration.id, { correct: 0, total: 0 }]))
    const countItem = (item: EvalItemRef) => {
      const summary = aggregateEvaluation(
        { configurations: plan.configurations, seeds: [{ seed: item.seed, questionIds: [item.questionId] }], items: [item] },
        resultsByItem.get(itemKey(item.seed, item.questionId))?.values() ?? [],
        { benchmark }
      )
      for (const configuration of summary.configurations) {
        const outcome = configuration.items[0]
        if (!outcome) continue
        const counts = running.get(configuration.configuration.id)!
        counts.total++
        if (outcome.correct) counts.correct++
      }
    }
    const isComplete = (item: EvalItemRef) => (resultsByItem.get(itemKey(item.seed, item.questionId))?.size ?? 0) >= plan.units.length
    const pending: EvalItemRef[] = []
    for (const item of plan.items) {
      if (isComplete(item)) countItem(item)
      else pending.push(item)
    }

    evaluations.setStatus(evaluationId, 'running')
    events.changed('evaluations')
    let lastTouch = Date.now()

    await runResumableJob({
      job,
      pending,
      itemsDone: plan.items.length - pending.length,
      itemCount: plan.items.length,
      unitsDone: evaluations.unitCount(evaluationId),
      unitCount: plan.unitCount,
      concurrency: config.questionConcurrency,
      detailNames: { itemsDone: 'itemsDone', itemCount: 'itemCount', unitsPerSecond: 'unitsPerSecond' },
      detail: () => {
        const accuracies: Record<string, number | null> = {}
        for (const [id, counts] of running) accuracies[`${id}Accuracy`] = counts.total === 0 ? null : counts.correct / counts.total
        return accuracies
      },
      onReport: () => {
        if (Date.now() - lastTouch <= touchEveryMs) return
        lastTouch = Date.now()
        evaluations.touch(evaluationId)
      },
      start: async (signal) => {
        const adapterFiles = new Map<number, string>()
        for (const id of adapterIdsOf(plan.configurations)) adapterFiles.set(id, adapters.get(id).ggufPath)
        const model: EvalModelPort = {
          generate: async (adapter, request) => {
            const spec: RoleAdapterSpec | null = adapter === 'base' ? null : { filePath: adapterFiles.get(adapter.adapterId)! }
            const agents = await agentHost.agents({ modelPath: config.modelPath, adapters: perRole(() => spec) }, signal)
            // An item has a dozen requests in flight on its signal; each gets its own, fanned out from one listener.
            const child = childSignal(request.signal)
            try {
              return await agents.generate({ ...request, ...(child.signal ? { signal: child.signal } : {}) })
            } finally {
              child.release()
            }
          }
        }
        const storedQuestion = this.deps.questionLookup()
        const questionOf = (id: number): EvalQuestion => {
          const stored = storedQuestion(id)
          return { id: stored.id, question: stored.question, gold: stored.answer, choices: stored.choices }
        }
        return async (item, progress) => {
          const save = (unit: CompletedUnit) => {
            const template = templates.get(unit.key)!
            evaluations.insertOutput({
              evaluationId,
              questionId: unit.questionId,
              seed: unit.seed,
              key: unit.key,
              pass: unit.pass,
              stage: template.stage.kind === 'debate' ? 'debate' : template.stage.role,
              role: unit.role,
              adapter: adapterToken(unit.adapter),
              prompt: unit.messages,
              text: unit.output.text,
              answer: unit.extracted,
              correct: unit.correct,
              samplingSeed: unit.samplingSeed,
              stopReason: unit.output.stopReason,
              promptTokens: unit.output.promptTokens,
              evaluatedPromptTokens: unit.output.evaluatedPromptTokens,
              completionTokens: unit.output.completionTokens,
              durationMs: unit.output.durationMs
            })
            addResult({ seed: unit.seed, questionId: unit.questionId, key: unit.key, extracted: unit.extracted, correct: unit.correct })
            progress.unitStored(unit.output.completionTokens)
          }
          const result = await evaluateItem(
            { seed: item.seed, question: questionOf(item.questionId), units: unitsOfItem(plan, item) },
            evaluations.storedOfItem(evaluationId, item.seed, item.questionId),
            { model, messagesFor: (role, vars) => prompts.render(config.templateIds[role], vars), save },
            { benchmark, sampling: config.sampling, signal: progress.signal }
          )
          if (result.complete) countItem(item)
          return result.complete
        }
      },
      setStatus: (status, error) => evaluations.setStatus(evaluationId, status, error ?? null),
      translateError: (error) => this.deps.store.translateError(error),
      finish: () => {
        if (evaluations.unitCount(evaluationId) < plan.unitCount) return 'paused'
        this.deps.storeResults(evaluationId)
        return 'completed'
      }
    })
  }
}

const fanOut = new WeakMap<AbortSignal, Set<AbortController>>()

/**
 * A signal that aborts with `parent`, through one listener on `parent` however many children it has (an item's
 * requests), so many concurrent requests do not pile listeners on one signal. `release` when the request ends.
 */
function childSignal(parent: AbortSignal | undefined): { signal?: AbortSignal; release(): void } {
  if (!parent) return { release: () => undefined }
  const controller = new AbortController()
  if (parent.aborted) {
    controller.abort(parent.reason)
    return { signal: controller.signal, release: () => undefined }
  }
  let children = fanOut.get(parent)
  if (!children) {
    const set = new Set<AbortController>()
    fanOut.set(parent, (children = set))
    parent.addEventListener('abort', () => set.forEach((child) => child.abort(parent.reason)), { once: true })
  }
  children.add(controller)
  const own = children
  return { signal: controller.signal, release: () => own.delete(controller) }
}
