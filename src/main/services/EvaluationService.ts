import { setMaxListeners } from 'node:events'
import type {
  ConfigurationPreset,
  ConfigurationResult,
  CreateEvaluationInput,
  EvalItemView,
  EvalUnitView,
  EvaluationConfig,
  EvaluationDetail,
  EvaluationResults,
  EvaluationStatus,
  EvaluationView,
  VerifierComparisonItem
} from '@shared/api/schemas/evaluations'
import { createEvaluationInputSchema } from '@shared/api/schemas/evaluations'
import { endpointNameOf } from '@shared/api/schemas/endpoints'
import { AppError } from '@shared/errors'
import type { AdapterRepository } from '../adapters/db/AdapterRepository'
import type { DatasetRepository, StoredQuestion } from '../adapters/db/DatasetRepository'
import type { EvalItemVerdict, EvalOutputRow, EvaluationRecord, EvaluationRepository } from '../adapters/db/EvaluationRepository'
import type { SettingsRepository } from '../adapters/db/SettingsRepository'
import type { WorkbenchDatabase } from '../adapters/db/WorkbenchDatabase'
import { translateSqliteError } from '../adapters/db/WorkbenchDatabase'
import type { Role } from '../domain/agents/types'
import { roles } from '../domain/agents/types'
import type { EvaluationSummary, ItemOutcome } from '../domain/eval/aggregateEvaluation'
import { aggregateEvaluation } from '../domain/eval/aggregateEvaluation'
import { ablationTable, type AblationKind } from '../domain/eval/ablationTable'
import { conflictingRoleAdapters } from '../domain/eval/conflictingRoleAdapters'
import { adapterSetsNeeded } from '../domain/eval/adapterSetsNeeded'
import { compareEvaluations, type ConfigurationComparison, type ItemDifference } from '../domain/eval/compareEvaluations'
import type { EvalConfiguration, ResolvedAdapter, ResolvedConfiguration } from '../domain/eval/EvalConfiguration'
import { evalConfigurations, type BuiltInConfigurationId } from '../domain/eval/evalConfigurations'
import type { CompletedUnit, EvalModelPort, EvalQuestion } from '../domain/eval/evaluateItem'
import { evaluateItem } from '../domain/eval/evaluateItem'
import { formatResultsTable, type ResultsTableFormat } from '../domain/eval/formatResultsTable'
import { parseConfigurationIds } from '../domain/eval/parseConfigurationIds'
import type { EvalItemRef, EvaluationPlan } from '../domain/eval/planEvaluation'
import { planEvaluation, unitsOfItem } from '../domain/eval/planEvaluation'
import { resultsTable, type ResultsTableColumn } from '../domain/eval/resultsTable'
import type { UnitResult } from '../domain/eval/turnAnswers'
import { finalTurnIndex, keysOfConfiguration, turnAnswers, turnsOf, voteAnswers } from '../domain/eval/turnAnswers'
import type { UnitTemplate } from '../domain/eval/WorkUnit'
import { adapterToken, configurationPassUnits } from '../domain/eval/WorkUnit'
import type { Benchmark } from '../domain/grading/benchmarks'
import type { EventBus } from './EventBus'
import type { JobContext, JobManager } from './JobManager'
import { SubjectJobs } from './SubjectJobs'
import type { AgentHost, RoleAdapterSpec } from './ports/AgentHost'
import { AgentsUnavailableError } from './ports/AgentsUnavailableError'
import type { PromptService } from './PromptService'
import { defaultModelSettingKey } from './TreeSearchService'

/** A running job marks its evaluation alive this often; one silent for `staleAfterMs` reads as interrupted. */
const touchEveryMs = 5_000
const staleAfterMs = 30_000

const presetGroups: Record<BuiltInConfigurationId, ConfigurationPreset['group']> = {
  sa: 'inference',
  sa_mv: 'inference',
  ma: 'inference',
  ma_mv: 'inference',
  star_sa: 'star',
  star_sa_mv: 'star',
  star_ma: 'star',
  star_ma_mv: 'star',
  malt_nomv: 'malt',
  malt: 'malt',
  debate: 'debate',
  untrained_g: 'untrained_role',
  untrained_v: 'untrained_role',
  untrained_r: 'untrained_role',
  g_only: 'pipeline',
  g_v: 'pipeline',
  g_r: 'pipeline'
}

const benchmarkLabels: Record<Benchmark, string> = { gsm8k: 'GSM8K', math: 'MATH', csqa: 'CSQA' }

export type TableKind = 'results' | AblationKind

export interface ExportTableOptions {
  format: ResultsTableFormat
  table?: TableKind
  configurationIds?: readonly string[]
  labels?: readonly string[]
  digits?: number
  splitStd?: boolean
}

export interface ComparedItemDifference extends ItemDifference {
  externalId: string
  question: string
  gold: string
}

export interface ComparisonWithQuestions extends Omit<ConfigurationComparison, 'rightInAOnly' | 'rightInBOnly'> {
  rightInAOnly: ComparedItemDifference[]
  rightInBOnly: ComparedItemDifference[]
}

export interface VerifierComparisonOptions {
  trained: string
  untrained: string
  pass: number
  seed?: number
  onlyDisagreements: boolean
  offset: number
  limit: number
}

/**
 * Evaluations (paper §5): creates them from a dataset split and configurations, computes their work plan's units in
 * the background while storing each as it completes, resumes them without recomputing anything stored, and turns
 * the stored units into the paper's numbers, per-item views, comparisons and exports at any time.
 *
 * Each distinct adapter runs on one runtime whose three roles all carry it, so it costs exactly one llama.cpp
 * context however many roles and configurations use it.
 */
export class EvaluationService {
  private readonly plans = new Map<number, EvaluationPlan>()
  private readonly subjectJobs: SubjectJobs

  constructor(
    private readonly store: WorkbenchDatabase,
    private readonly evaluations: EvaluationRepository,
    private readonly datasets: DatasetRepository,
    private readonly prompts: PromptService,
    private readonly adapters: AdapterRepository,
    private readonly settings: SettingsRepository,
    private readonly agentHost: AgentHost,
    jobs: JobManager,
    private readonly events: EventBus
  ) {
    this.subjectJobs = new SubjectJobs(jobs, events, 'evaluation', 'evaluations')
  }

  /** A lookup of stored questions that reads each one once: the items of several seeds share their questions. */
  private questionLookup(): (questionId: number) => StoredQuestion {
    const cache = new Map<number, StoredQuestion>()
    return (questionId) => {
      let question = cache.get(questionId)
      if (!question) cache.set(questionId, (question = this.datasets.getQuestion(questionId)))
      return question
    }
  }

  // ---- configurations ---------------------------------------------------------------------------------------------

  /** The presets with their groups and needs; `needs` lists what the given ids (default: all presets) need bound. */
  configurations(options: { ids?: readonly string[]; votes?: number; debate?: { agents: number; rounds: number } } = {}): {
    presets: ConfigurationPreset[]
    needs: ReturnType<typeof adapterSetsNeeded>
  } {
    const presetOptions = { ...(options.votes ? { votes: options.votes } : {}), ...(options.debate ? { debate: options.debate } : {}) }
    const presets = evalConfigurations(presetOptions)
    const selection = options.ids ? parseConfigurationIds(options.ids.join(','), presetOptions) : presets
    return {
      presets: presets.map((preset) => ({
        ...preset,
        group: presetGroups[preset.id as BuiltInConfigurationId],
        needs: adapterSetsNeeded([preset]).map(({ set, roles: needed }) => ({ set, roles: needed }))
      })),
      needs: adapterSetsNeeded(selection)
    }
  }

  // ---- creating and running ---------------------------------------------------------------------------------------

  create(rawInput: CreateEvaluationInput): EvaluationView {
    const input = createEvaluationInputSchema.parse(rawInput)
    const dataset = this.datasets.get(input.datasetId)
    const questions = this.datasets.questionsOf(dataset.id, input.split)
    if (questions.length === 0) {
      const splits = this.datasets.list().find((d) => d.id === dataset.id)?.splits.map((s) => s.split) ?? []
      throw new AppError('invalid_input', `dataset '${dataset.name}' has no split '${input.split}' (it has: ${splits.join(', ') || 'none'})`, { field: 'split' })
    }
    const modelPath = input.modelPath ?? this.settings.get<string>(defaultModelSettingKey)
    if (!modelPath) throw new AppError('invalid_input', 'no model given and no default model set (choose one in Setup or pass --model)', { field: 'modelPath' })

    const custom = input.configurations.filter((entry): entry is Exclude<typeof entry, string> => typeof entry !== 'string')
    const list = input.configurations.map((entry) => (typeof entry === 'string' ? entry.trim() : entry.id)).join(',')
    const configurations = parseConfigurationIds(list, { votes: input.votes, debate: input.debate, custom })

    const seeds = typeof input.seeds === 'number' ? Array.from({ length: input.seeds }, (_, index) => index) : [...input.seeds].sort((a, b) => a - b)
    seeds.forEach((seed, index) => {
      if (index > 0 && seeds[index - 1] === seed) throw new AppError('invalid_input', `seed ${seed} is listed twice`, { field: 'seeds' })
    })
    const questionIds = questions.map((question) => question.id)
    const subsetSize = Math.min(input.subsetSize ?? questionIds.length, questionIds.length)

    const config: EvaluationConfig = {
      datasetId: dataset.id,
      split: input.split,
      configurations,
      adapterSets: input.adapterSets,
      questionIds,
      subsetSize,
      seeds,
      votes: input.votes,
      debate: input.debate,
      sampling: input.sampling,
      modelPath,
      templateIds: this.prompts.latestIds(dataset.benchmark),
      questionConcurrency: input.questionConcurrency
    }
    // Binds the adapter sets (an unbound set a configuration runs is an error naming it) and checks every adapter.
    const plan = planOf(config)
    for (const id of adapterIdsOf(plan.configurations)) this.adapters.get(id)
    if (endpointNameOf(modelPath) !== null) {
      const conflict = conflictingRoleAdapters(plan.configurations)[0]
      if (conflict) {
        throw new AppError(
          'invalid_input',
          `${modelPath} serves one ${conflict.role} adapter, but these configurations give the ${conflict.role} adapters ${conflict.adapterIds.join(' and ')}; evaluate them in separate evaluations, each on an endpoint whose --role-adapter ${conflict.role}=… serves that adapter`,
          { field: 'configurations' }
        )
      }
    }

    const ids = configurations.map((configuration) => configuration.id)
    const name = input.name ?? `${dataset.name}/${input.split}: ${ids.length > 4 ? `${ids.slice(0, 4).join(', ')} +${ids.length - 4}` : ids.join(', ')} (${seeds.length} × ${subsetSize})`
    const evaluationId = this.evaluations.create({ name, config })
    this.plans.set(evaluationId, plan)
    this.events.changed('evaluations')
    if (input.start) this.start(evaluationId)
    return this.view(evaluationId)
  }

  /** Starts (or resumes) an evaluation in the background; returns its job id. */
  start(evaluationId: number): { jobId: string; done: Promise<void> } {
    const record = this.evaluations.get(evaluationId)
    this.subjectJobs.assertIdle(evaluationId)
    if (record.status === 'completed') throw new AppError('conflict', `evaluation ${evaluationId} is already complete`)
    const plan = this.planFor(record)
    return this.subjectJobs.start(
      evaluationId,
      { kind: 'evaluation', title: `Evaluation ${evaluationId}: ${record.name}`, unit: 'units', total: plan.unitCount, subject: { evaluationId } },
      (context) => this.execute(evaluationId, context)
    )
  }

  /** Resolves when the evaluation has no job in this process (at once if it has none). */
  async whenIdle(evaluationId: number): Promise<void> {
    await this.subjectJobs.whenIdle(evaluationId)
  }

  pause(evaluationId: number): boolean {
    return this.subjectJobs.pause(evaluationId)
  }

  remove(evaluationId: number): boolean {
    this.evaluations.get(evaluationId)
    this.subjectJobs.assertIdle(evaluationId, 'running; pause it first')
    const removed = this.evaluations.remove(evaluationId)
    this.plans.delete(evaluationId)
    this.events.changed('evaluations')
    return removed
  }

  private async execute(evaluationId: number, job: JobContext): Promise<void> {
    const record = this.evaluations.get(evaluationId)
    const config = record.config
    const plan = this.planFor(record)
    const benchmark = this.datasets.get(record.datasetId).benchmark
    const templates = new Map(plan.units.map((unit) => [unit.key, unit]))

    // What is stored already: the running accuracies start from it, and items already complete are skipped.
    const resultsByItem = new Map<string, Map<string, UnitResult>>()
    const addResult = (result: UnitResult) => {
      const id = itemKey(result.seed, result.questionId)
      let units = resultsByItem.get(id)
      if (!units) resultsByItem.set(id, (units = new Map()))
      units.set(result.key, result)
    }
    for (const row of this.evaluations.unitRows(evaluationId)) addResult({ seed: row.seed, questionId: row.questionId, key: row.key, extracted: row.answer, correct: row.correct })
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

    this.evaluations.setStatus(evaluationId, 'running')
    this.events.changed('evaluations')
    const started = Date.now()
    const unitsAtStart = this.evaluations.unitCount(evaluationId)
    let unitsDone = unitsAtStart
    let itemsDone = plan.items.length - pending.length
    let completionTokens = 0
    let lastTouch = Date.now()
    const report = () => {
      const elapsed = (Date.now() - started) / 1000
      job.progress(unitsDone, plan.unitCount)
      const accuracies: Record<string, number | null> = {}
      for (const [id, counts] of running) accuracies[`${id}Accuracy`] = counts.total === 0 ? null : counts.correct / counts.total
      job.detail({
        itemsDone,
        itemCount: plan.items.length,
        unitsPerSecond: elapsed > 0 ? round((unitsDone - unitsAtStart) / elapsed) : null,
        tokensPerSecond: elapsed > 0 ? round(completionTokens / elapsed) : null,
        ...accuracies
      })
      if (Date.now() - lastTouch > touchEveryMs) {
        lastTouch = Date.now()
        this.evaluations.touch(evaluationId)
      }
    }
    report()

    // One failed item stops the others (they keep what they stored), then the evaluation is marked failed.
    const stop = new AbortController()
    const signal = AbortSignal.any([job.signal, stop.signal])
    // Every item and every request in flight listens to it (a few dozen at once); that is not a leak.
    setMaxListeners(0, signal)
    let failure: { error: unknown } | null = null

    const adapterFiles = new Map<number, string>()
    for (const id of adapterIdsOf(plan.configurations)) adapterFiles.set(id, this.adapters.get(id).ggufPath)
    const model: EvalModelPort = {
      generate: async (adapter, request) => {
        const spec: RoleAdapterSpec | null = adapter === 'base' ? null : { filePath: adapterFiles.get(adapter.adapterId)! }
        const agents = await this.agentHost.agents({ modelPath: config.modelPath, adapters: { generator: spec, verifier: spec, refiner: spec } }, signal)
        // An item has a dozen requests in flight on its signal; each gets its own, fanned out from one listener.
        const child = childSignal(request.signal)
        try {
          return await agents.generate({ ...request, ...(child.signal ? { signal: child.signal } : {}) })
        } finally {
          child.release()
        }
      }
    }
    const storedQuestion = this.questionLookup()
    const questionOf = (id: number): EvalQuestion => {
      const stored = storedQuestion(id)
      return { id: stored.id, question: stored.question, gold: stored.answer, choices: stored.choices }
    }
    const save = (unit: CompletedUnit) => {
      const template = templates.get(unit.key)!
      this.evaluations.insertOutput({
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
      unitsDone++
      completionTokens += unit.output.completionTokens
      report()
    }

    const queue = [...pending]
    const worker = async () => {
      while (queue.length > 0 && !signal.aborted) {
        const item = queue.shift()!
        try {
          const result = await evaluateItem(
            { seed: item.seed, question: questionOf(item.questionId), units: unitsOfItem(plan, item) },
            this.evaluations.storedOfItem(evaluationId, item.seed, item.questionId),
            { model, messagesFor: (role, vars) => this.prompts.render(config.templateIds[role], vars), save },
            { benchmark, sampling: config.sampling, signal }
          )
          if (result.complete) {
            itemsDone++
            countItem(item)
            report()
          }
        } catch (error) {
          // Errors after a pause (a model load cut short) are not failures.
          if (!job.signal.aborted) {
            failure ??= { error }
            stop.abort(error)
          }
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(config.questionConcurrency, Math.max(1, pending.length)) }, worker))

    if (failure) {
      const translated = translateSqliteError((failure as { error: unknown }).error, this.store.path)
      // An engine that is down for now (a dead inference server) pauses the evaluation: resume continues where it stopped.
      this.evaluations.setStatus(evaluationId, translated instanceof AgentsUnavailableError ? 'paused' : 'failed', (translated as Error).message ?? String(translated))
      throw translated
    }
    if (job.signal.aborted) {
      const reason = job.signal.reason as AppError | undefined
      this.evaluations.setStatus(evaluationId, reason?.message === 'paused' ? 'paused' : 'cancelled')
      return
    }
    if (this.evaluations.unitCount(evaluationId) >= plan.unitCount) {
      this.storeResults(evaluationId)
      this.evaluations.setStatus(evaluationId, 'completed')
    } else {
      this.evaluations.setStatus(evaluationId, 'paused')
    }
    report()
  }

  /** Aggregates the stored units and writes results_json and the per-item verdicts (eval_items). */
  private storeResults(evaluationId: number): EvaluationResults {
    const record = this.evaluations.get(evaluationId)
    const summary = this.summaryOf(record)
    const results = this.resultsView(record, summary, false)
    const verdicts: EvalItemVerdict[] = summary.configurations.flatMap((configuration) =>
      configuration.items.map((item) => ({
        configuration: configuration.configuration.id,
        seed: item.seed,
        questionId: item.questionId,
        answer: item.answer,
        correct: item.correct,
        detail: { passes: item.passes }
      }))
    )
    this.evaluations.storeResults(evaluationId, JSON.stringify(results), verdicts)
    return results
  }

  // ---- reading ----------------------------------------------------------------------------------------------------

  list(): EvaluationView[] {
    return this.evaluations.list().map((record) => this.viewOf(record))
  }

  view(evaluationId: number): EvaluationView {
    return this.viewOf(this.evaluations.get(evaluationId))
  }

  get(evaluationId: number): EvaluationDetail {
    const record = this.evaluations.get(evaluationId)
    const plan = this.planFor(record)
    return {
      ...this.viewOf(record),
      config: record.config,
      naiveUnitCount: plan.naiveUnitCount,
      unitsPerItem: plan.units.length,
      subsets: plan.seeds,
      configurations: plan.configurations.map(configurationFields)
    }
  }

  private viewOf(record: EvaluationRecord): EvaluationView {
    const dataset = this.datasets.get(record.datasetId)
    const plan = this.planFor(record)
    const counts = this.evaluations.countsByItem(record.id)
    const jobId = this.subjectJobs.jobIdOf(record.id)
    let status: EvaluationStatus = record.status
    if (status === 'running' && jobId === null && Date.now() - Date.parse(record.updatedAt) > staleAfterMs) status = 'interrupted'
    return {
      id: record.id,
      name: record.name,
      datasetId: record.datasetId,
      datasetName: dataset.name,
      benchmark: dataset.benchmark,
      split: record.split,
      status,
      error: record.error,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
      finishedAt: record.finishedAt,
      configurationIds: record.config.configurations.map((configuration) => configuration.id),
      seeds: record.config.seeds,
      subsetSize: record.config.subsetSize,
      itemCount: plan.items.length,
      completeItems: counts.filter((count) => count.units >= plan.units.length).length,
      unitCount: plan.unitCount,
      storedUnits: counts.reduce((sum, count) => sum + count.units, 0),
      modelPath: record.config.modelPath,
      jobId
    }
  }

  /**
   * The aggregated numbers: the summary stored at completion, or computed now from the stored units (while running,
   * after a failure, or when `recompute` is asked for; recomputing a completed evaluation rewrites its stored summary).
   */
  results(evaluationId: number, options: { recompute?: boolean } = {}): EvaluationResults {
    const record = this.evaluations.get(evaluationId)
    if (record.status === 'completed' && options.recompute) return this.storeResults(evaluationId)
    if (!options.recompute && record.resultsJson) return { ...(JSON.parse(record.resultsJson) as EvaluationResults), fromStore: true }
    return this.resultsView(record, this.summaryOf(record), false)
  }

  /** The domain summary (per-item outcomes included) from the stored units. */
  summary(evaluationId: number): EvaluationSummary {
    return this.summaryOf(this.evaluations.get(evaluationId))
  }

  benchmarkOf(evaluationId: number): Benchmark {
    return this.datasets.get(this.evaluations.get(evaluationId).datasetId).benchmark
  }

  private summaryOf(record: EvaluationRecord): EvaluationSummary {
    const plan = this.planFor(record)
    const benchmark = this.datasets.get(record.datasetId).benchmark
    const results: UnitResult[] = this.evaluations
      .unitRows(record.id)
      .map((row) => ({ seed: row.seed, questionId: row.questionId, key: row.key, extracted: row.answer, correct: row.correct }))
    return aggregateEvaluation(plan, results, { benchmark })
  }

  private resultsView(record: EvaluationRecord, summary: EvaluationSummary, fromStore: boolean): EvaluationResults {
    const plan = this.planFor(record)
    const storedUnits = this.evaluations.unitCount(record.id)
    return {
      evaluationId: record.id,
      benchmark: summary.benchmark,
      complete: storedUnits >= plan.unitCount,
      fromStore,
      computedAt: new Date().toISOString(),
      seeds: plan.seeds.map((seed) => seed.seed),
      itemCount: plan.items.length,
      unitCount: plan.unitCount,
      storedUnits,
      configurations: summary.configurations.map(
        (configuration): ConfigurationResult => ({
          ...configurationFields(configuration.configuration),
          accuracy: configuration.accuracy,
          completeItems: configuration.items.length,
          incompleteItems: configuration.incompleteItems,
          turns: configuration.turns,
          flips: configuration.flips,
          byVotes: configuration.byVotes
        })
      )
    }
  }

  /** Per-item outputs of one configuration in plan order, filtered by outcome and seed, one page of them. */
  items(
    evaluationId: number,
    configurationId: string,
    options: { seed?: number; outcome?: 'all' | 'correct' | 'wrong' | 'incomplete'; offset?: number; limit?: number } = {}
  ): { total: number; items: EvalItemView[] } {
    const record = this.evaluations.get(evaluationId)
    const plan = this.planFor(record)
    const configuration = findConfiguration(plan, configurationId)
    const summary = this.summaryOf(record)
    const outcomes = outcomeMap(summary, configurationId)
    const outcome = options.outcome ?? 'all'
    const matching = plan.items.filter((item) => {
      if (options.seed !== undefined && item.seed !== options.seed) return false
      const found = outcomes.get(itemKey(item.seed, item.questionId))
      if (outcome === 'incomplete') return !found
      if (outcome === 'correct') return found?.correct === true
      if (outcome === 'wrong') return found !== undefined && !found.correct
      return true
    })
    const offset = options.offset ?? 0
    const page = matching.slice(offset, offset + (options.limit ?? 50))
    return { total: matching.length, items: this.itemViews(record, configuration, page, summary.benchmark, false) }
  }

  private itemViews(
    record: EvaluationRecord,
    configuration: ResolvedConfiguration,
    items: readonly EvalItemRef[],
    benchmark: Benchmark,
    prompts: boolean
  ): EvalItemView[] {
    const keys = keysOfConfiguration(configuration)
    const rows = this.evaluations.outputsOf(record.id, items, { keys, prompts })
    const byItem = groupRows(rows)
    const questionOf = this.questionLookup()
    const passTemplates = Array.from({ length: configuration.votes }, (_, pass) => configurationPassUnits(configuration, pass))
    const turns = turnsOf(configuration)
    const finalTurn = finalTurnIndex(configuration)
    return items.map((item) => {
      const question = questionOf(item.questionId)
      const units = byItem.get(itemKey(item.seed, item.questionId)) ?? new Map<string, EvalOutputRow>()
      const complete = keys.every((key) => units.has(key))
      const view: EvalItemView = {
        seed: item.seed,
        questionId: item.questionId,
        externalId: question.externalId,
        question: question.question,
        gold: question.answer,
        choices: question.choices,
        complete,
        answer: null,
        correct: null,
        votes: [],
        turns: [],
        passes: passTemplates.map((templates, pass) => ({
          pass,
          units: templates.flatMap((template) => {
            const row = units.get(template.key)
            return row ? [unitView(row, template, prompts)] : []
          })
        }))
      }
      if (complete) {
        const resultOf = (key: string): UnitResult | undefined => {
          const row = units.get(key)
          return row && { seed: row.seed, questionId: row.questionId, key, extracted: row.answer, correct: row.correct }
        }
        const answers = passTemplates.map((_, pass) => turnAnswers(configuration, pass, resultOf, benchmark)!)
        view.turns = turns.map((turn, index) => ({ ...turn, ...voteAnswers(answers.map((pass) => pass[index]!), benchmark) }))
        view.votes = answers.map((pass, index) => ({ pass: index, ...pass[finalTurn]! }))
        const final = view.turns[finalTurn]!
        view.answer = final.answer
        view.correct = final.correct
      }
      return view
    })
  }

  /**
   * Per-item differences between two evaluations (or two configurations of one, with `pairs`), each difference with
   * its question's text and gold answer.
   */
  compare(evaluationA: number, evaluationB: number, pairs?: readonly (readonly [string, string])[]): ComparisonWithQuestions[] {
    const a = this.summary(evaluationA)
    const b = evaluationA === evaluationB ? a : this.summary(evaluationB)
    const questionOf = this.questionLookup()
    const withQuestion = (difference: ItemDifference) => {
      const question = questionOf(difference.questionId)
      return { ...difference, externalId: question.externalId, question: question.question, gold: question.answer }
    }
    return compareEvaluations(a, b, pairs ? { pairs } : {}).map((comparison) => ({
      ...comparison,
      rightInAOnly: comparison.rightInAOnly.map(withQuestion),
      rightInBOnly: comparison.rightInBOnly.map(withQuestion)
    }))
  }

  // ---- exporting --------------------------------------------------------------------------------------------------

  /** The paper's table, one column per evaluation, or an ablation table (Tables 4, 5), in one format. */
  exportTable(evaluationIds: readonly number[], options: ExportTableOptions): { fileName: string; content: string } {
    const kind = options.table ?? 'results'
    const columns = this.tableColumns(evaluationIds, options.labels)
    const table =
      kind === 'results'
        ? resultsTable(columns, options.configurationIds ? { configurationIds: options.configurationIds } : {})
        : ablationTable(columns, kind)
    const content = formatResultsTable(table, options.format, {
      ...(options.digits !== undefined ? { digits: options.digits } : {}),
      ...(options.splitStd !== undefined ? { splitStd: options.splitStd } : {})
    })
    const extension = options.format === 'markdown' ? 'md' : options.format
    return { fileName: `evaluation-${evaluationIds.join('-')}-${kind}.${extension}`, content }
  }

  private tableColumns(evaluationIds: readonly number[], labels?: readonly string[]): ResultsTableColumn[] {
    if (labels && labels.length !== evaluationIds.length) {
      throw new AppError('invalid_input', `${labels.length} labels for ${evaluationIds.length} evaluations`, { field: 'labels' })
    }
    const columns = evaluationIds.map((id, index) => {
      const record = this.evaluations.get(id)
      const dataset = this.datasets.get(record.datasetId)
      const standard = dataset.name.toLowerCase() === dataset.benchmark
      return { label: labels?.[index] ?? (standard ? benchmarkLabels[dataset.benchmark] : dataset.name), summary: this.summaryOf(record) }
    })
    if (!labels) {
      const seen = new Map<string, number>()
      for (const column of columns) seen.set(column.label, (seen.get(column.label) ?? 0) + 1)
      columns.forEach((column, index) => {
        if (seen.get(column.label)! > 1) column.label = `${column.label} (#${evaluationIds[index]})`
      })
    }
    return columns
  }

  /**
   * Per-item outputs as JSONL lines: one per configuration and item (plan order), with every stage's text, the
   * extracted answers, each pass's vote, the answer after each turn and the verdict.
   */
  *exportItemLines(evaluationId: number, options: { configurationIds?: readonly string[]; includePrompts?: boolean } = {}): Generator<string> {
    const record = this.evaluations.get(evaluationId)
    const plan = this.planFor(record)
    const benchmark = this.datasets.get(record.datasetId).benchmark
    const configurations = (options.configurationIds ?? plan.configurations.map((c) => c.id)).map((id) => findConfiguration(plan, id))
    for (const configuration of configurations) {
      for (let i = 0; i < plan.items.length; i += 100) {
        const batch = plan.items.slice(i, i + 100)
        for (const item of this.itemViews(record, configuration, batch, benchmark, options.includePrompts ?? false)) {
          yield JSON.stringify({ evaluationId, configurationId: configuration.id, label: configuration.label, ...item })
        }
      }
    }
  }

  exportItemsFileName(evaluationId: number, configurationIds?: readonly string[]): string {
    return `evaluation-${evaluationId}-items${configurationIds && configurationIds.length > 0 ? `-${configurationIds.join('-')}` : ''}.jsonl`
  }

  // ---- trained vs untrained verifier (App. A.4) ---------------------------------------------------------------------

  /**
   * For two G → V → R configurations that read the same generator output (e.g. `malt` and `untrained_v`, which share
   * `G[#g]`): per item, that generation, each verifier's critique, each refinement and whether they disagree.
   */
  verifierComparison(
    evaluationId: number,
    options: VerifierComparisonOptions
  ): {
    trained: { configurationId: string; label: string; verifierAdapter: string; refinerAdapter: string }
    untrained: { configurationId: string; label: string; verifierAdapter: string; refinerAdapter: string }
    generationChain: string
    pass: number
    total: number
    disagreements: number
    items: VerifierComparisonItem[]
  } {
    const record = this.evaluations.get(evaluationId)
    const plan = this.planFor(record)
    const sides = [options.trained, options.untrained].map((id) => {
      const configuration = findConfiguration(plan, id)
      if (configuration.pipeline !== 'GVR') {
        throw new AppError('invalid_input', `configuration '${id}' runs ${configuration.pipeline}, not generator → verifier → refiner`, { field: 'trained' })
      }
      if (options.pass >= configuration.votes) {
        throw new AppError('invalid_input', `configuration '${id}' has ${configuration.votes} pass(es); pass ${options.pass} does not exist`, { field: 'pass' })
      }
      const [g, v, r] = configurationPassUnits(configuration, options.pass) as [UnitTemplate, UnitTemplate, UnitTemplate]
      return { configuration, g, v, r }
    }) as [Side, Side]
    const [trained, untrained] = sides
    if (trained.g.key !== untrained.g.key) {
      throw new AppError(
        'invalid_input',
        `configurations '${options.trained}' (${trained.g.chain}) and '${options.untrained}' (${untrained.g.chain}) do not read the same generator output`,
        { field: 'untrained' }
      )
    }
    const items = plan.items.filter((item) => options.seed === undefined || item.seed === options.seed)
    const keys = [trained.g.key, trained.v.key, trained.r.key, untrained.v.key, untrained.r.key]
    const byItem = groupRows(this.evaluations.outputsOf(evaluationId, items, { keys }))
    const questionOf = this.questionLookup()
    const entries = items.map((item): VerifierComparisonItem => {
      const units = byItem.get(itemKey(item.seed, item.questionId)) ?? new Map<string, EvalOutputRow>()
      const question = questionOf(item.questionId)
      const side = (s: Side) => {
        const v = units.get(s.v.key)
        const r = units.get(s.r.key)
        return {
          verification: v ? { outputId: v.id, key: v.key, text: v.text, answer: v.answer } : null,
          refinement: r ? { outputId: r.id, key: r.key, text: r.text, answer: r.answer, correct: r.correct } : null
        }
      }
      const g = units.get(trained.g.key)
      const a = side(trained)
      const b = side(untrained)
      const both = a.refinement !== null && b.refinement !== null
      return {
        seed: item.seed,
        questionId: item.questionId,
        externalId: question.externalId,
        question: question.question,
        gold: question.answer,
        choices: question.choices,
        generation: g ? { outputId: g.id, key: g.key, text: g.text, answer: g.answer, correct: g.correct } : null,
        trained: a,
        untrained: b,
        disagree: both && a.refinement!.correct !== b.refinement!.correct,
        answersDiffer: both && a.refinement!.answer !== b.refinement!.answer
      }
    })
    const matching = options.onlyDisagreements ? entries.filter((entry) => entry.disagree) : entries
    const describe = (s: Side) => ({
      configurationId: s.configuration.id,
      label: s.configuration.label,
      verifierAdapter: adapterToken(s.configuration.resolved.verifier),
      refinerAdapter: adapterToken(s.configuration.resolved.refiner)
    })
    return {
      trained: describe(trained),
      untrained: describe(untrained),
      generationChain: trained.g.chain,
      pass: options.pass,
      total: matching.length,
      disagreements: entries.filter((entry) => entry.disagree).length,
      items: matching.slice(options.offset, options.offset + options.limit)
    }
  }

  // ---- plans ------------------------------------------------------------------------------------------------------

  /** The evaluation's plan, re-made from its stored inputs (the same every time: it is a pure function of them). */
  planFor(record: EvaluationRecord): EvaluationPlan {
    let plan = this.plans.get(record.id)
    if (!plan) this.plans.set(record.id, (plan = planOf(record.config)))
    return plan
  }
}

interface Side {
  configuration: ResolvedConfiguration
  g: UnitTemplate
  v: UnitTemplate
  r: UnitTemplate
}

/**
 * The plan of a stored configuration. Each seed's subset and samples depend on that seed alone, so the plan of a
 * seed list is the per-seed plans joined (for consecutive seeds, exactly `planEvaluation` with `seedCount`).
 */
export function planOf(config: EvaluationConfig): EvaluationPlan {
  const plans = config.seeds.map((seed) =>
    planEvaluation({
      configurations: config.configurations as EvalConfiguration[],
      adapterSets: config.adapterSets,
      questionIds: config.questionIds,
      subsetSize: config.subsetSize,
      seedCount: 1,
      seed
    })
  )
  const first = plans[0]!
  return {
    configurations: first.configurations,
    units: first.units,
    seeds: plans.flatMap((plan) => plan.seeds),
    items: plans.flatMap((plan) => plan.items),
    unitCount: plans.reduce((sum, plan) => sum + plan.unitCount, 0),
    naiveUnitCount: plans.reduce((sum, plan) => sum + plan.naiveUnitCount, 0)
  }
}

function adapterIdsOf(configurations: readonly ResolvedConfiguration[]): number[] {
  const ids = new Set<number>()
  for (const configuration of configurations) {
    for (const role of roles) {
      const adapter: ResolvedAdapter = configuration.resolved[role]
      if (adapter !== 'base') ids.add(adapter.adapterId)
    }
  }
  return [...ids]
}

function configurationFields(configuration: ResolvedConfiguration) {
  return {
    id: configuration.id,
    label: configuration.label,
    pipeline: configuration.pipeline,
    adapters: configuration.adapters,
    votes: configuration.votes,
    answerFrom: configuration.answerFrom,
    ...(configuration.debate ? { debate: configuration.debate } : {}),
    resolved: configuration.resolved
  }
}

function findConfiguration(plan: EvaluationPlan, id: string): ResolvedConfiguration {
  const found = plan.configurations.find((configuration) => configuration.id === id)
  if (!found) {
    throw new AppError('not_found', `the evaluation has no configuration '${id}' (it has: ${plan.configurations.map((c) => c.id).join(', ')})`, {
      field: 'configurationId'
    })
  }
  return found
}

function outcomeMap(summary: EvaluationSummary, configurationId: string): Map<string, ItemOutcome> {
  const configuration = summary.configurations.find((c) => c.configuration.id === configurationId)
  return new Map((configuration?.items ?? []).map((item) => [itemKey(item.seed, item.questionId), item]))
}

function groupRows(rows: readonly EvalOutputRow[]): Map<string, Map<string, EvalOutputRow>> {
  const byItem = new Map<string, Map<string, EvalOutputRow>>()
  for (const row of rows) {
    const id = itemKey(row.seed, row.questionId)
    let units = byItem.get(id)
    if (!units) byItem.set(id, (units = new Map()))
    units.set(row.key, row)
  }
  return byItem
}

function unitView(row: EvalOutputRow, template: UnitTemplate, prompts: boolean): EvalUnitView {
  return {
    outputId: row.id,
    key: row.key,
    stage: row.stage,
    role: row.role as Role,
    adapter: row.adapter,
    ...(template.stage.kind === 'debate' ? { agent: template.stage.agent, round: template.stage.round } : {}),
    text: row.text,
    answer: row.answer,
    correct: row.correct,
    samplingSeed: row.samplingSeed,
    stopReason: row.stopReason,
    completionTokens: row.completionTokens,
    durationMs: row.durationMs,
    ...(prompts && row.prompt ? { prompt: row.prompt } : {})
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

function itemKey(seed: number, questionId: number): string {
  return `${seed}:${questionId}`
}

function round(value: number): number {
  return Math.round(value * 100) / 100
}
