import { perRole, type Role, roles } from '@shared/roles'
import type { Benchmark } from '@shared/benchmarks'
import type {
  CreateRunInput,
  CreditSettings,
  NodeDetail,
  QuestionOutcome,
  RunConfig,
  RunSummary,
  TrainingSetStatsView,
  TreeNodeView
} from '@shared/api/schemas/runs'
import { createRunInputSchema } from '@shared/api/schemas/runs'
import { AppError } from '@shared/errors'
import type { ExportNode } from '../domain/export/toTrlRecords'
import { type JsonlFile, jsonlFile } from '../domain/export/jsonlFile'
import { toDpoRecord, toSftRecord, toTreeRecord } from '../domain/export/toTrlRecords'
import { gradeOutput } from '../domain/grading/gradeAnswer'
import { gradingDetailOf } from '../domain/grading/gradingDetailOf'
import { sampleInOrder } from '../domain/random/seededRandom'
import { analyzeRun, matchesOutcome, questionFacts } from '../domain/search/analyzeRun'
import type { OutcomeFilter } from '../domain/search/analyzeRun'
import type { PreferencePair, TrainingSets } from '../domain/search/buildTrainingSets'
import { buildTrainingSets } from '../domain/search/buildTrainingSets'
import type { NodeCredit } from '../domain/search/computeCredit'
import { computeCredit } from '../domain/search/computeCredit'
import type { SearchQuestion } from '../domain/search/expandQuestionTree'
import { expandQuestionTree } from '../domain/search/expandQuestionTree'
import type { TreeNodeRow } from '../domain/search/TreeNode'
import { nodesPerQuestion } from '../domain/search/treeShape'
import type { EventBus } from './EventBus'
import type { JobContext, JobManager } from './JobManager'
import { runResumableJob } from './runResumableJob'
import { SubjectJobs } from './SubjectJobs'
import type { AdapterRepository } from './ports/AdapterRepository'
import type { AgentHost } from './ports/AgentHost'
import type { DatasetRepository, StoredQuestion } from './ports/DatasetRepository'
import type { RunRecord, RunRepository } from './ports/RunRepository'
import type { SettingsRepository } from './ports/SettingsRepository'
import type { TransactionRunner } from './ports/TransactionRunner'
import type { PromptService } from './PromptService'

export const defaultModelSettingKey = 'defaultModelPath'

/**
 * Generation runs (Algorithm 1): creates them from a dataset split, expands every question's tree through the role
 * agents while storing each node as it completes, resumes them exactly, and turns stored trees into credited views,
 * statistics and TRL training files.
 */
export class TreeSearchService {
  private readonly subjectJobs: SubjectJobs

  constructor(
    private readonly store: TransactionRunner,
    private readonly runs: RunRepository,
    private readonly datasets: DatasetRepository,
    private readonly prompts: PromptService,
    private readonly adapters: AdapterRepository,
    private readonly settings: SettingsRepository,
    private readonly agentHost: AgentHost,
    jobs: JobManager,
    private readonly events: EventBus
  ) {
    this.subjectJobs = new SubjectJobs(jobs, events, 'run', 'runs')
  }

  // ---- creating and running -------------------------------------------------------------------------------------

  create(rawInput: CreateRunInput): RunSummary {
    const input = createRunInputSchema.parse(rawInput)
    const dataset = this.datasets.get(input.datasetId)
    const modelPath = input.modelPath ?? this.settings.get<string>(defaultModelSettingKey)
    if (!modelPath) throw new AppError('invalid_input', 'no model given and no default model set (choose one in Setup or pass --model)', { field: 'modelPath' })
    const questions = this.datasets.questionsOf(dataset.id, input.split)
    if (questions.length === 0) throw new AppError('invalid_input', `dataset '${dataset.name}' has no split '${input.split}'`, { field: 'split' })
    const chosen = this.chooseQuestions(questions, input.limit, input.subsetSeed, input.externalIds)
    for (const role of roles) {
      const adapterId = input.adapters?.[role]
      if (adapterId) this.adapters.get(adapterId)
    }
    const config: RunConfig = {
      datasetId: dataset.id,
      split: input.split,
      subset: { limit: input.limit, seed: input.subsetSeed, ...(input.externalIds ? { externalIds: input.externalIds } : {}) },
      branching: input.branching,
      sampling: input.sampling,
      seed: input.seed,
      modelPath,
      adapters: perRole((role) => input.adapters?.[role] ?? null),
      templateIds: this.prompts.latestIds(dataset.benchmark),
      questionConcurrency: input.questionConcurrency
    }
    const name = input.name ?? `${dataset.name}/${input.split} ×${chosen.length} n=${input.branching}`
    const runId = this.runs.create({ name, config, questionIds: chosen.map((question) => question.id) })
    this.events.changed('runs')
    if (input.start) this.start(runId)
    return this.summary(runId)
  }

  /** Starts (or resumes) a run in the background; returns its job id. */
  start(runId: number): { jobId: string; done: Promise<void> } {
    const run = this.runs.get(runId)
    this.subjectJobs.assertIdle(runId)
    if (run.status === 'completed') throw new AppError('conflict', `run ${runId} is already complete`)
    const expected = nodesPerQuestion(run.config.branching)
    const total = this.runs.questionIds(runId).length * expected
    return this.subjectJobs.start(
      runId,
      { kind: 'generation', title: `Run ${runId}: ${run.name}`, unit: 'nodes', total, subject: { runId } },
      (context) => this.execute(runId, context)
    )
  }

  /** Starts a paused, cancelled, failed or interrupted run again; returns its summary (with the job id). */
  resume(runId: number): RunSummary {
    this.start(runId)
    return this.summary(runId)
  }

  /** Resolves when the run has no job in this process (at once if it has none). */
  async whenIdle(runId: number): Promise<void> {
    await this.subjectJobs.whenIdle(runId)
  }

  pause(runId: number): boolean {
    return this.subjectJobs.pause(runId)
  }

  private chooseQuestions(questions: StoredQuestion[], limit: number | null, seed: number, externalIds?: string[]): StoredQuestion[] {
    if (externalIds && externalIds.length > 0) {
      const byId = new Map(questions.map((question) => [question.externalId, question]))
      return externalIds.map((id) => {
        const question = byId.get(id)
        if (!question) throw new AppError('invalid_input', `no question with id '${id}' in this split`, { field: 'externalIds' })
        return question
      })
    }
    if (limit === null || limit >= questions.length) return questions
    return sampleInOrder(questions, limit, seed)
  }

  private async execute(runId: number, job: JobContext): Promise<void> {
    const run = this.runs.get(runId)
    const dataset = this.datasets.get(run.datasetId)
    const config = run.config
    const expected = nodesPerQuestion(config.branching)
    const questionIds = this.runs.questionIds(runId)
    const counts = this.runs.counts(runId, expected)
    const pending = questionIds.filter((id) => this.runs.nodesOfQuestion(runId, id).length < expected)
    this.runs.setStatus(runId, 'running')
    this.events.changed('runs')
    const correct = structuredClone(counts.correctByRole)

    await runResumableJob({
      job,
      pending,
      itemsDone: questionIds.length - pending.length,
      itemCount: questionIds.length,
      unitsDone: counts.nodeCount,
      unitCount: questionIds.length * expected,
      concurrency: config.questionConcurrency,
      detailNames: { itemsDone: 'questionsDone', itemCount: 'questionCount', unitsPerSecond: 'nodesPerSecond' },
      detail: () => ({
        generatorAccuracy: ratio(correct.generator),
        verifierAccuracy: ratio(correct.verifier),
        refinerAccuracy: ratio(correct.refiner)
      }),
      start: async (signal) => {
        const agents = await this.agentHost.agents(
          {
            modelPath: config.modelPath,
            adapters: perRole((role) => (config.adapters[role] ? { filePath: this.adapters.get(config.adapters[role]!).ggufPath } : null))
          },
          signal
        )
        return async (questionId, progress) => {
          const stored = this.datasets.getQuestion(questionId)
          const question: SearchQuestion = { id: stored.id, question: stored.question, answer: stored.answer, choices: stored.choices }
          await expandQuestionTree(
            question,
            this.runs.nodesOfQuestion(runId, questionId),
            {
              model: agents,
              messagesFor: (role, q, context) =>
                this.prompts.render(config.templateIds[role], {
                  question: q.question,
                  ...(q.choices ? { choices: q.choices } : {}),
                  ...(context.generation !== undefined ? { generation: context.generation } : {}),
                  ...(context.verification !== undefined ? { verification: context.verification } : {})
                }),
              judge: (q, text, role) =>
                gradeOutput(dataset.benchmark, text, q.answer, { ...(q.choices ? { choices: q.choices } : {}), statedOnly: role === 'verifier' }),
              saveNode: (node) => {
                const id = this.runs.insertNode({
                  runId,
                  questionId: node.questionId,
                  parentId: node.parentId,
                  role: node.role,
                  branch: node.branch,
                  path: node.path,
                  prompt: node.messages,
                  text: node.output.text,
                  answer: node.answer,
                  correct: node.correct,
                  reward: node.role === 'refiner' ? (node.correct ? 1 : 0) : null,
                  seed: node.seed,
                  stopReason: node.output.stopReason,
                  promptTokens: node.output.promptTokens,
                  evaluatedPromptTokens: node.output.evaluatedPromptTokens,
                  completionTokens: node.output.completionTokens,
                  durationMs: node.output.durationMs
                })
                if (node.role !== 'verifier' || node.answer !== null) {
                  correct[node.role].total++
                  if (node.correct) correct[node.role].correct++
                }
                progress.unitStored(node.output.completionTokens)
                return id
              }
            },
            { branching: config.branching, sampling: config.sampling, runSeed: config.seed, signal: progress.signal }
          )
          return !progress.signal.aborted && this.runs.nodesOfQuestion(runId, questionId).length >= expected
        }
      },
      setStatus: (status, error) => this.runs.setStatus(runId, status, error ?? null),
      translateError: (error) => this.store.translateError(error),
      finish: () => (this.runs.counts(runId, expected).completeQuestions === questionIds.length ? 'completed' : 'paused')
    })
  }

  // ---- reading ----------------------------------------------------------------------------------------------------

  list(): RunSummary[] {
    return this.runs.list().map((run) => this.summaryOf(run))
  }

  summary(runId: number): RunSummary {
    return this.summaryOf(this.runs.get(runId))
  }

  get(runId: number): RunSummary & { config: RunConfig } {
    const run = this.runs.get(runId)
    return { ...this.summaryOf(run), config: run.config }
  }

  private summaryOf(run: RunRecord): RunSummary {
    const dataset = this.datasets.get(run.datasetId)
    const expected = nodesPerQuestion(run.config.branching)
    const counts = this.runs.counts(run.id, expected)
    return {
      id: run.id,
      name: run.name,
      datasetId: run.datasetId,
      datasetName: dataset.name,
      benchmark: dataset.benchmark,
      split: run.split,
      status: run.status,
      error: run.error,
      createdAt: run.createdAt,
      updatedAt: run.updatedAt,
      finishedAt: run.finishedAt,
      branching: run.config.branching,
      questionCount: counts.questionCount,
      completeQuestions: counts.completeQuestions,
      nodeCount: counts.nodeCount,
      expectedNodes: counts.questionCount * expected,
      stageAccuracy: perRole((role) => ratio(counts.correctByRole[role])),
      modelPath: run.config.modelPath,
      jobId: this.subjectJobs.jobIdOf(run.id)
    }
  }

  /** Credit assignment and training sets of a whole run for one setting, recomputed on demand (nothing regenerated). */
  trainingSets(runId: number, credit: CreditSettings): { nodes: TreeNodeRow[]; credit: Map<number, NodeCredit>; sets: TrainingSets } {
    const nodes = this.runs.nodeRows(runId)
    const values = computeCredit(nodes, { threshold: credit.threshold, pooling: credit.pooling })
    const sets = buildTrainingSets(nodes, values, { maxPairsPerParent: credit.maxPairsPerParent, seed: credit.pairSeed })
    return { nodes, credit: values, sets }
  }

  analysis(runId: number, credit: CreditSettings): { stageAccuracy: Record<Role, number | null>; flips: ReturnType<typeof analyzeRun>['flips']; trainingSets: TrainingSetStatsView } {
    const { nodes, sets } = this.trainingSets(runId, credit)
    const analysis = analyzeRun(nodes)
    return { stageAccuracy: analysis.stageAccuracy, flips: analysis.flips, trainingSets: sets.stats }
  }

  questions(runId: number, filter: OutcomeFilter, offset: number, limit: number): { total: number; items: QuestionOutcome[] } {
    const run = this.runs.get(runId)
    const expected = nodesPerQuestion(run.config.branching)
    const { nodes, sets } = this.trainingSets(runId, { threshold: 0.5, pooling: 'global', maxPairsPerParent: null, pairSeed: 0 })
    const nodesByQuestion = groupBy(nodes, (node) => node.questionId)
    const pairsByQuestion = new Map<number, number>()
    for (const pair of sets.pairs) pairsByQuestion.set(pair.questionId, (pairsByQuestion.get(pair.questionId) ?? 0) + 1)
    const matching: QuestionOutcome[] = []
    this.runs.questionIds(runId).forEach((questionId, ordinal) => {
      const own = nodesByQuestion.get(questionId) ?? []
      const facts = questionFacts(own, expected, pairsByQuestion.get(questionId) ?? 0)
      if (!matchesOutcome(facts, filter)) return
      const question = this.datasets.getQuestion(questionId)
      const share = (role: Role) => {
        const of = own.filter((node) => node.role === role)
        return of.length === 0 ? null : of.filter((node) => node.correct).length / of.length
      }
      matching.push({
        questionId,
        ordinal,
        externalId: question.externalId,
        question: question.question,
        gold: question.answer,
        nodes: own.length,
        complete: facts.complete,
        generatorCorrect: share('generator'),
        verifierCorrect: share('verifier'),
        refinerCorrect: share('refiner'),
        pairs: facts.pairs
      })
    })
    return { total: matching.length, items: matching.slice(offset, offset + limit) }
  }

  tree(runId: number, questionId: number, credit: CreditSettings): { question: string; gold: string; nodes: TreeNodeView[] } {
    const question = this.datasets.getQuestion(questionId)
    const nodes = this.runs.nodeRows(runId, questionId)
    const values = computeCredit(nodes, { threshold: credit.threshold, pooling: credit.pooling })
    const sets = buildTrainingSets(nodes, values, { maxPairsPerParent: credit.maxPairsPerParent, seed: credit.pairSeed })
    const chosen = countBy(sets.pairs, (pair) => pair.chosenNodeId)
    const rejected = countBy(sets.pairs, (pair) => pair.rejectedNodeId)
    const previews = this.runs.previews(nodes.map((node) => node.id))
    return {
      question: question.question,
      gold: question.answer,
      nodes: nodes.map((node) => ({
        id: node.id,
        parentId: node.parentId,
        role: node.role,
        path: node.path,
        branch: node.branch,
        answer: node.answer,
        correct: node.correct,
        reward: node.reward,
        value: values.get(node.id)?.value ?? null,
        label: values.get(node.id)?.label ?? null,
        chosenIn: chosen.get(node.id) ?? 0,
        rejectedIn: rejected.get(node.id) ?? 0,
        preview: previews.get(node.id) ?? '',
        completionTokens: node.completionTokens
      }))
    }
  }

  node(nodeId: number): NodeDetail {
    const node = this.runs.node(nodeId)
    const question = this.datasets.getQuestion(node.questionId)
    const detail = gradingDetailOf(this.benchmarkOf(node.runId), node.text, question.answer, { choices: question.choices, statedOnly: node.role === 'verifier' })
    return {
      id: node.id,
      runId: node.runId,
      questionId: node.questionId,
      role: node.role,
      path: node.path,
      text: node.text,
      prompt: node.prompt,
      answer: node.answer,
      ...detail,
      reward: node.reward,
      seed: node.seed,
      stopReason: node.stopReason,
      promptTokens: node.promptTokens,
      evaluatedPromptTokens: node.evaluatedPromptTokens,
      completionTokens: node.completionTokens,
      durationMs: node.durationMs,
      createdAt: node.createdAt
    }
  }

  // ---- exporting --------------------------------------------------------------------------------------------------

  /**
   * JSONL lines of a run: the whole tree (one line per node with value and label), a role's SFT set, or a role's DPO
   * pairs, in TRL's conversational formats. Only complete questions contribute training data.
   */
  *exportLines(runId: number, what: 'tree' | 'sft' | 'dpo', role: Role | undefined, credit: CreditSettings): Generator<string> {
    const run = this.runs.get(runId)
    const expected = nodesPerQuestion(run.config.branching)
    const { nodes, credit: values, sets } = this.trainingSets(runId, credit)
    const complete = new Set([...groupBy(nodes, (node) => node.questionId)].filter(([, own]) => own.length >= expected).map(([id]) => id))
    const load = (ids: number[]) => {
      const full = this.runs.nodesById(ids)
      return (id: number): ExportNode => {
        const node = full.get(id)
        if (!node) throw new AppError('internal', `node ${id} vanished during export`)
        return { ...node, runId }
      }
    }
    if (what === 'tree') {
      for (let i = 0; i < nodes.length; i += 500) {
        const batch = nodes.slice(i, i + 500)
        const get = load(batch.map((node) => node.id))
        for (const node of batch) yield JSON.stringify(toTreeRecord(get(node.id), values.get(node.id)))
      }
      return
    }
    if (!role) throw new AppError('invalid_input', `exporting ${what} needs a role (generator, verifier or refiner)`, { field: 'role' })
    if (what === 'sft') {
      const examples = sets.sft.filter((example) => example.role === role && complete.has(example.questionId))
      for (let i = 0; i < examples.length; i += 500) {
        const batch = examples.slice(i, i + 500)
        const get = load(batch.map((example) => example.nodeId))
        for (const example of batch) yield JSON.stringify(toSftRecord(get(example.nodeId), values.get(example.nodeId)?.value ?? null))
      }
      return
    }
    const pairs: PreferencePair[] = sets.pairs.filter((pair) => pair.role === role && complete.has(pair.questionId))
    for (let i = 0; i < pairs.length; i += 250) {
      const batch = pairs.slice(i, i + 250)
      const get = load(batch.flatMap((pair) => [pair.chosenNodeId, pair.rejectedNodeId]))
      for (const pair of batch) yield JSON.stringify(toDpoRecord(get(pair.chosenNodeId), get(pair.rejectedNodeId), pair.parentNodeId))
    }
  }

  /** The export as one file (see {@link exportLines}), for clients that download it. */
  exportData(runId: number, what: 'tree' | 'sft' | 'dpo', role: Role | undefined, credit: CreditSettings): JsonlFile {
    return jsonlFile(this.exportFileName(runId, what, role), this.exportLines(runId, what, role, credit))
  }

  exportFileName(runId: number, what: 'tree' | 'sft' | 'dpo', role: Role | undefined): string {
    return `run-${runId}-${what}${role ? `-${role}` : ''}.jsonl`
  }

  benchmarkOf(runId: number): Benchmark {
    return this.datasets.get(this.runs.get(runId).datasetId).benchmark
  }
}

function ratio(counts: { correct: number; total: number }): number | null {
  return counts.total === 0 ? null : counts.correct / counts.total
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>()
  for (const item of items) {
    const k = key(item)
    const group = groups.get(k)
    if (group) group.push(item)
    else groups.set(k, [item])
  }
  return groups
}

function countBy<T>(items: readonly T[], key: (item: T) => number): Map<number, number> {
  const counts = new Map<number, number>()
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1)
  return counts
}
