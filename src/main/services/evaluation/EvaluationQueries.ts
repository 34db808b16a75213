import type { Benchmark } from '@shared/benchmarks'
import type { Role } from '@shared/roles'
import type {
  ConfigurationResult,
  EvalItemView,
  EvalUnitView,
  EvaluationDetail,
  EvaluationResults,
  EvaluationStatus,
  EvaluationView
} from '@shared/api/schemas/evaluations'
import { AppError } from '@shared/errors'
import type { EvaluationSummary, ItemOutcome } from '../../domain/eval/aggregateEvaluation'
import { aggregateEvaluation } from '../../domain/eval/aggregateEvaluation'
import { ablationTable, type AblationKind } from '../../domain/eval/ablationTable'
import { compareEvaluations, type ConfigurationComparison, type ItemDifference } from '../../domain/eval/compareEvaluations'
import { compareVerifiers, type VerifierComparison, type VerifierComparisonOptions } from '../../domain/eval/compareVerifiers'
import type { ResolvedConfiguration } from '../../domain/eval/EvalConfiguration'
import { findConfiguration } from '../../domain/eval/findConfiguration'
import { formatResultsTable, type ResultsTableFormat } from '../../domain/eval/formatResultsTable'
import { itemKey } from '../../domain/eval/itemKey'
import type { EvalItemRef, EvaluationPlan } from '../../domain/eval/planEvaluation'
import { resultsTable, type ResultsTableColumn } from '../../domain/eval/resultsTable'
import type { UnitResult } from '../../domain/eval/turnAnswers'
import { finalTurnIndex, keysOfConfiguration, turnAnswers, turnsOf, voteAnswers } from '../../domain/eval/turnAnswers'
import type { UnitTemplate } from '../../domain/eval/WorkUnit'
import { configurationPassUnits } from '../../domain/eval/WorkUnit'
import { type JsonlFile, jsonlFile } from '../../domain/export/jsonlFile'
import { gradingDetailOf, type GradingDetail } from '../../domain/grading/gradingDetailOf'
import type { DatasetRepository, StoredQuestion } from '../ports/DatasetRepository'
import type { EvalItemVerdict, EvalOutputRow, EvaluationRecord, EvaluationRepository } from '../ports/EvaluationRepository'

/** A running evaluation marks itself alive every few seconds (EvaluationRunner); one silent this long reads as interrupted. */
const staleAfterMs = 30_000

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

/**
 * Evaluations as read back: views, the paper's numbers (stored at completion or computed from the stored units),
 * per-item outputs, comparisons between evaluations, and the tables and JSONL files they export. Nothing here
 * computes a unit.
 */
export class EvaluationQueries {
  constructor(
    private readonly evaluations: EvaluationRepository,
    private readonly datasets: DatasetRepository,
    /** The evaluation's plan (cached by the service: it is a pure function of the stored config). */
    private readonly planOf: (record: EvaluationRecord) => EvaluationPlan,
    /** The job running the evaluation in this process, if any. */
    private readonly jobIdOf: (evaluationId: number) => string | null
  ) {}

  /** A lookup of stored questions that reads each one once: the items of several seeds share their questions. */
  questionLookup(): (questionId: number) => StoredQuestion {
    const cache = new Map<number, StoredQuestion>()
    return (questionId) => {
      let question = cache.get(questionId)
      if (!question) cache.set(questionId, (question = this.datasets.getQuestion(questionId)))
      return question
    }
  }

  /** Aggregates the stored units and writes results_json and the per-item verdicts (eval_items). */
  storeResults(evaluationId: number): EvaluationResults {
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
    const plan = this.planOf(record)
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
    const plan = this.planOf(record)
    const counts = this.evaluations.countsByItem(record.id)
    const jobId = this.jobIdOf(record.id)
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
    const plan = this.planOf(record)
    const benchmark = this.datasets.get(record.datasetId).benchmark
    const results: UnitResult[] = this.evaluations
      .unitRows(record.id)
      .map((row) => ({ seed: row.seed, questionId: row.questionId, key: row.key, extracted: row.answer, correct: row.correct }))
    return aggregateEvaluation(plan, results, { benchmark })
  }

  private resultsView(record: EvaluationRecord, summary: EvaluationSummary, fromStore: boolean): EvaluationResults {
    const plan = this.planOf(record)
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
    const plan = this.planOf(record)
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
            return row ? [unitView(row, template, prompts, gradingDetailOf(benchmark, row.text, question.answer, { choices: question.choices, statedOnly: row.role === 'verifier' }))] : []
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
    const plan = this.planOf(record)
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

  /** The per-item outputs as one JSONL file (see {@link exportItemLines}), for clients that download it. */
  exportItems(evaluationId: number, options: { configurationIds?: readonly string[]; includePrompts?: boolean } = {}): JsonlFile {
    return jsonlFile(this.exportItemsFileName(evaluationId, options.configurationIds), this.exportItemLines(evaluationId, options))
  }

  exportItemsFileName(evaluationId: number, configurationIds?: readonly string[]): string {
    return `evaluation-${evaluationId}-items${configurationIds && configurationIds.length > 0 ? `-${configurationIds.join('-')}` : ''}.jsonl`
  }

  /** Trained vs untrained verifier on the same generator output (App. A.4); see compareVerifiers. */
  verifierComparison(evaluationId: number, options: VerifierComparisonOptions): VerifierComparison {
    const record = this.evaluations.get(evaluationId)
    const question = this.questionLookup()
    return compareVerifiers(this.planOf(record), options, {
      units: (items, keys) => this.evaluations.outputsOf(evaluationId, items, { keys }),
      question: (questionId) => question(questionId)
    })
  }
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

function unitView(row: EvalOutputRow, template: UnitTemplate, prompts: boolean, detail: GradingDetail): EvalUnitView {
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
    ...detail,
    samplingSeed: row.samplingSeed,
    stopReason: row.stopReason,
    completionTokens: row.completionTokens,
    durationMs: row.durationMs,
    ...(prompts && row.prompt ? { prompt: row.prompt } : {})
  }
}

