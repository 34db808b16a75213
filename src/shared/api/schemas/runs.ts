import { z } from 'zod'
import { perRole } from '../../roles'
import { procedure } from '../procedure'
import { benchmarkSchema, gradingDetailShape, idSchema, isoDateSchema, nothing, perRoleSchema, roleSchema } from './common'
import { splitSchema } from './datasets'

export const samplingSchema = z.object({
  /** The paper samples at 0.3 (App. A.9). */
  temperature: z.number().min(0).max(2).default(0.3),
  topP: z.number().gt(0).max(1).default(1),
  maxTokens: z.number().int().min(1).max(32_768).default(512)
})
export type SamplingSettings = z.infer<typeof samplingSchema>

export const roleAdaptersSchema = perRoleSchema(idSchema.nullable().default(null))

export const poolingSchema = z.enum(['global', 'local'])
export const runStatusSchema = z.enum(['created', 'running', 'paused', 'completed', 'cancelled', 'failed'])
export type RunStatus = z.infer<typeof runStatusSchema>

/** Everything a generation run needs to be reproduced or resumed exactly; stored with the run. */
export const runConfigSchema = z.object({
  datasetId: idSchema,
  split: splitSchema,
  /** Questions: the first `limit` of a seeded shuffle of the split, or the listed external ids. */
  subset: z.object({
    limit: z.number().int().positive().nullable().default(null),
    seed: z.number().int().default(0),
    externalIds: z.array(z.string().min(1)).max(100_000).optional()
  }),
  /** n: generations per question, verifications per generation, refinements per verification. */
  branching: z.number().int().min(1).max(8).default(3),
  sampling: samplingSchema.default({ temperature: 0.3, topP: 1, maxTokens: 512 }),
  /** Seeds every node's sampling seed, with the question and the node's path. */
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
  modelPath: z.string().min(1),
  /** Registered adapters per role; null is the untrained base. */
  adapters: roleAdaptersSchema.default(perRole(() => null)),
  /** Prompt template versions per role (ids of immutable template rows). */
  templateIds: perRoleSchema(idSchema),
  /** Questions expanded at once; more keeps the engine's batch full. */
  questionConcurrency: z.number().int().min(1).max(64).default(4)
})
export type RunConfig = z.infer<typeof runConfigSchema>

export const stageAccuracySchema = perRoleSchema(z.number().nullable())

export const runSummarySchema = z.object({
  id: idSchema,
  name: z.string(),
  datasetId: idSchema,
  datasetName: z.string(),
  benchmark: benchmarkSchema,
  split: z.string(),
  status: runStatusSchema,
  error: z.string().nullable(),
  createdAt: isoDateSchema,
  updatedAt: isoDateSchema,
  finishedAt: isoDateSchema.nullable(),
  branching: z.number().int(),
  questionCount: z.number().int(),
  completeQuestions: z.number().int(),
  nodeCount: z.number().int(),
  expectedNodes: z.number().int(),
  /** Share of correct answers among stored outputs of each role. */
  stageAccuracy: stageAccuracySchema,
  modelPath: z.string(),
  jobId: z.string().nullable()
})
export type RunSummary = z.infer<typeof runSummarySchema>

export const createRunInputSchema = z.object({
  name: z.string().trim().min(1).max(120).optional(),
  datasetId: idSchema,
  split: splitSchema.default('train'),
  limit: z.number().int().positive().nullable().default(null),
  subsetSeed: z.number().int().default(0),
  externalIds: z.array(z.string().min(1)).optional(),
  branching: z.number().int().min(1).max(8).default(3),
  sampling: samplingSchema.default({ temperature: 0.3, topP: 1, maxTokens: 512 }),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
  modelPath: z.string().min(1).optional(),
  adapters: roleAdaptersSchema.optional(),
  questionConcurrency: z.number().int().min(1).max(64).default(4),
  start: z.boolean().default(true)
})
export type CreateRunInput = z.input<typeof createRunInputSchema>

export const creditSettingsSchema = z.object({
  threshold: z.number().min(0).max(1).default(0.5),
  pooling: poolingSchema.default('global'),
  maxPairsPerParent: z.number().int().positive().nullable().default(null),
  pairSeed: z.number().int().default(0)
})
export type CreditSettings = z.infer<typeof creditSettingsSchema>

export const treeNodeViewSchema = z.object({
  id: idSchema,
  parentId: idSchema.nullable(),
  role: roleSchema,
  path: z.string(),
  branch: z.number().int(),
  answer: z.string().nullable(),
  correct: z.boolean().nullable(),
  reward: z.number().nullable(),
  value: z.number().nullable(),
  label: z.boolean().nullable(),
  /** Which pairs this node is in, as chosen or rejected. */
  chosenIn: z.number().int(),
  rejectedIn: z.number().int(),
  preview: z.string(),
  completionTokens: z.number().int()
})
export type TreeNodeView = z.infer<typeof treeNodeViewSchema>

export const nodeDetailSchema = z.object({
  id: idSchema,
  runId: idSchema,
  questionId: idSchema,
  role: roleSchema,
  path: z.string(),
  text: z.string(),
  prompt: z.array(z.object({ role: z.string(), content: z.string() })),
  answer: z.string().nullable(),
  ...gradingDetailShape,
  reward: z.number().nullable(),
  seed: z.number().int(),
  stopReason: z.string(),
  promptTokens: z.number().int(),
  evaluatedPromptTokens: z.number().int(),
  completionTokens: z.number().int(),
  durationMs: z.number(),
  createdAt: isoDateSchema
})
export type NodeDetail = z.infer<typeof nodeDetailSchema>

export const questionOutcomeSchema = z.object({
  questionId: idSchema,
  ordinal: z.number().int(),
  externalId: z.string(),
  question: z.string(),
  gold: z.string(),
  nodes: z.number().int(),
  complete: z.boolean(),
  /** Share of correct answers per role among this question's stored nodes. */
  generatorCorrect: z.number().nullable(),
  verifierCorrect: z.number().nullable(),
  refinerCorrect: z.number().nullable(),
  pairs: z.number().int()
})
export type QuestionOutcome = z.infer<typeof questionOutcomeSchema>

/** Outcome filters of the tree explorer, e.g. "generator wrong but refined right". */
export const outcomeFilterSchema = z.enum(['all', 'generator-wrong-refined-right', 'generator-right-refined-wrong', 'all-right', 'all-wrong', 'has-pairs', 'no-pairs', 'incomplete'])

export const flipStatsSchema = z.object({
  /** Verification stage: answers of v vs its g (when the verifier states an answer). */
  verifier: z.object({ wrongToRight: z.number().int(), rightToWrong: z.number().int(), unchangedRight: z.number().int(), unchangedWrong: z.number().int() }),
  /** Refinement stage: answers of r vs the g it refines. */
  refiner: z.object({ wrongToRight: z.number().int(), rightToWrong: z.number().int(), unchangedRight: z.number().int(), unchangedWrong: z.number().int() })
})

export const trainingSetStatsSchema = z.object({
  questions: z.number().int(),
  sft: perRoleSchema(z.number().int()),
  pairs: perRoleSchema(z.number().int()),
  questionsWithPairs: perRoleSchema(z.number().int()),
  shareOfQuestionsWithPairs: z.number()
})
export type TrainingSetStatsView = z.infer<typeof trainingSetStatsSchema>

export const exportWhatSchema = z.enum(['tree', 'sft', 'dpo'])

export const runsApi = {
  list: procedure({ input: nothing, output: z.array(runSummarySchema), description: 'Every generation run with its progress.' }),
  get: procedure({
    input: z.object({ runId: idSchema }),
    output: runSummarySchema.extend({ config: runConfigSchema }),
    description: 'One run with its full configuration.'
  }),
  create: procedure({
    input: createRunInputSchema,
    output: runSummarySchema,
    description: 'Creates a tree-search run (and starts it unless start is false).'
  }),
  resume: procedure({ input: z.object({ runId: idSchema }), output: runSummarySchema, description: 'Continues a paused, cancelled, failed or interrupted run.' }),
  pause: procedure({ input: z.object({ runId: idSchema }), output: z.object({ paused: z.boolean() }), description: 'Stops a running run so it can be resumed.' }),
  questions: procedure({
    input: z.object({ runId: idSchema, filter: outcomeFilterSchema.default('all'), offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(1000).default(200) }),
    output: z.object({ total: z.number().int(), items: z.array(questionOutcomeSchema) }),
    description: 'Questions of a run with their outcomes, filterable.'
  }),
  tree: procedure({
    input: z.object({ runId: idSchema, questionId: idSchema, credit: creditSettingsSchema.default({ threshold: 0.5, pooling: 'global', maxPairsPerParent: null, pairSeed: 0 }) }),
    output: z.object({ question: z.string(), gold: z.string(), nodes: z.array(treeNodeViewSchema) }),
    description: 'The tree of one question with values, labels, rewards and pair marks.'
  }),
  node: procedure({ input: z.object({ nodeId: idSchema }), output: nodeDetailSchema, description: 'A node’s full text and prompt.' }),
  analysis: procedure({
    input: z.object({ runId: idSchema, credit: creditSettingsSchema.default({ threshold: 0.5, pooling: 'global', maxPairsPerParent: null, pairSeed: 0 }) }),
    output: z.object({ stageAccuracy: stageAccuracySchema, flips: flipStatsSchema, trainingSets: trainingSetStatsSchema }),
    description: 'Stage accuracies, wrong↔right flips (paper Fig. 2) and training-set sizes for one credit setting.'
  }),
  exportData: procedure({
    input: z.object({
      runId: idSchema,
      what: exportWhatSchema,
      role: roleSchema.optional(),
      credit: creditSettingsSchema.default({ threshold: 0.5, pooling: 'global', maxPairsPerParent: null, pairSeed: 0 })
    }),
    output: z.object({ fileName: z.string(), lines: z.number().int(), content: z.string() }),
    description: 'A run exported as JSONL: the tree, or a role’s SFT set or DPO pairs in TRL’s formats.'
  })
} as const
