import type { ConfigurationPreset, CreateEvaluationInput, EvaluationConfig, EvaluationDetail, EvaluationResults, EvaluationView } from '@shared/api/schemas/evaluations'
import { createEvaluationInputSchema } from '@shared/api/schemas/evaluations'
import { endpointNameOf } from '@shared/api/schemas/endpoints'
import { AppError } from '@shared/errors'
import type { EvaluationSummary } from '../domain/eval/aggregateEvaluation'
import { adapterIdsOf } from '../domain/eval/adapterIdsOf'
import { adapterSetsNeeded } from '../domain/eval/adapterSetsNeeded'
import { conflictingRoleAdapters } from '../domain/eval/conflictingRoleAdapters'
import type { VerifierComparison, VerifierComparisonOptions } from '../domain/eval/compareVerifiers'
import { evalConfigurations, type BuiltInConfigurationId } from '../domain/eval/evalConfigurations'
import { parseConfigurationIds } from '../domain/eval/parseConfigurationIds'
import type { EvaluationPlan } from '../domain/eval/planEvaluation'
import { planStoredEvaluation } from '../domain/eval/planStoredEvaluation'
import type { JsonlFile } from '../domain/export/jsonlFile'
import type { ComparisonWithQuestions, ExportTableOptions } from './evaluation/EvaluationQueries'
import { EvaluationQueries } from './evaluation/EvaluationQueries'
import { EvaluationRunner } from './evaluation/EvaluationRunner'
import type { EventBus } from './EventBus'
import type { JobManager } from './JobManager'
import type { AdapterRepository } from './ports/AdapterRepository'
import type { AgentHost } from './ports/AgentHost'
import type { DatasetRepository } from './ports/DatasetRepository'
import type { EvaluationRecord, EvaluationRepository } from './ports/EvaluationRepository'
import type { SettingsRepository } from './ports/SettingsRepository'
import type { TransactionRunner } from './ports/TransactionRunner'
import type { PromptService } from './PromptService'
import { SubjectJobs } from './SubjectJobs'
import { defaultModelSettingKey } from './TreeSearchService'

export type { ComparisonWithQuestions, ExportTableOptions, TableKind } from './evaluation/EvaluationQueries'
export type { VerifierComparisonOptions } from '../domain/eval/compareVerifiers'

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

/**
 * Evaluations (paper §5): creates them from a dataset split and configurations, runs their work plan in the background
 * (EvaluationRunner: every unit stored as it completes, resumed without recomputing anything stored), and reads them
 * back as the paper's numbers, per-item views, comparisons and exports (EvaluationQueries).
 */
export class EvaluationService {
  private readonly plans = new Map<number, EvaluationPlan>()
  private readonly subjectJobs: SubjectJobs
  private readonly queries: EvaluationQueries
  private readonly runner: EvaluationRunner

  constructor(
    store: TransactionRunner,
    private readonly evaluations: EvaluationRepository,
    private readonly datasets: DatasetRepository,
    private readonly prompts: PromptService,
    private readonly adapters: AdapterRepository,
    private readonly settings: SettingsRepository,
    agentHost: AgentHost,
    jobs: JobManager,
    private readonly events: EventBus
  ) {
    this.subjectJobs = new SubjectJobs(jobs, events, 'evaluation', 'evaluations')
    const planOf = (record: EvaluationRecord) => this.planFor(record)
    this.queries = new EvaluationQueries(evaluations, datasets, planOf, (id) => this.subjectJobs.jobIdOf(id))
    this.runner = new EvaluationRunner({
      store,
      evaluations,
      datasets,
      prompts,
      adapters,
      agentHost,
      events,
      planOf,
      questionLookup: () => this.queries.questionLookup(),
      storeResults: (id) => this.queries.storeResults(id)
    })
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
    const plan = planStoredEvaluation(config)
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
      (context) => this.runner.execute(evaluationId, context)
    )
  }

  /** Starts a paused, cancelled, failed or interrupted evaluation again; returns its view (with the job id). */
  resume(evaluationId: number): EvaluationView {
    this.start(evaluationId)
    return this.view(evaluationId)
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

  // ---- reading and exporting (EvaluationQueries) ------------------------------------------------------------------

  list(): EvaluationView[] {
    return this.queries.list()
  }

  view(evaluationId: number): EvaluationView {
    return this.queries.view(evaluationId)
  }

  get(evaluationId: number): EvaluationDetail {
    return this.queries.get(evaluationId)
  }

  results(evaluationId: number, options: { recompute?: boolean } = {}): EvaluationResults {
    return this.queries.results(evaluationId, options)
  }

  summary(evaluationId: number): EvaluationSummary {
    return this.queries.summary(evaluationId)
  }

  benchmarkOf(evaluationId: number): ReturnType<EvaluationQueries['benchmarkOf']> {
    return this.queries.benchmarkOf(evaluationId)
  }

  items(...args: Parameters<EvaluationQueries['items']>): ReturnType<EvaluationQueries['items']> {
    return this.queries.items(...args)
  }

  compare(evaluationA: number, evaluationB: number, pairs?: readonly (readonly [string, string])[]): ComparisonWithQuestions[] {
    return this.queries.compare(evaluationA, evaluationB, pairs)
  }

  exportTable(evaluationIds: readonly number[], options: ExportTableOptions): { fileName: string; content: string } {
    return this.queries.exportTable(evaluationIds, options)
  }

  exportItemLines(...args: Parameters<EvaluationQueries['exportItemLines']>): Generator<string> {
    return this.queries.exportItemLines(...args)
  }

  exportItems(...args: Parameters<EvaluationQueries['exportItems']>): JsonlFile {
    return this.queries.exportItems(...args)
  }

  exportItemsFileName(evaluationId: number, configurationIds?: readonly string[]): string {
    return this.queries.exportItemsFileName(evaluationId, configurationIds)
  }

  verifierComparison(evaluationId: number, options: VerifierComparisonOptions): VerifierComparison {
    return this.queries.verifierComparison(evaluationId, options)
  }

  // ---- plans ------------------------------------------------------------------------------------------------------

  /** The evaluation's plan, re-made from its stored inputs (the same every time: it is a pure function of them). */
  planFor(record: EvaluationRecord): EvaluationPlan {
    let plan = this.plans.get(record.id)
    if (!plan) this.plans.set(record.id, (plan = planStoredEvaluation(record.config)))
    return plan
  }
}
