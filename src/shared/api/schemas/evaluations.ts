import { z } from 'zod'
import { procedure } from '../procedure'
import { roles } from '../../roles'
import { benchmarkSchema, gradingDetailShape, idSchema, isoDateSchema, nothing, perRoleSchema, roleSchema } from './common'
import { splitSchema } from './datasets'
import { samplingSchema } from './runs'

/**
 * Evaluations (paper §5, Tables 1–5, Figs. 2–3): configurations × seeded test subsets on one dataset split, run as a
 * resumable background job that stores every work unit, and read back as the paper's numbers, per-item outputs,
 * comparisons and exports. The shapes of configurations mirror `src/main/domain/eval/EvalConfiguration.ts`.
 */

// ---- configurations -------------------------------------------------------------------------------------------

export const evalPipelineSchema = z.enum(['G', 'GV', 'GR', 'GVR', 'debate'])
export const adapterSetNameSchema = z.enum(['malt', 'star'])
/** A role's adapter as a configuration names it: the base model, a named set's adapter for that role, or one adapter. */
export const adapterRefSchema = z.union([z.enum(['base', 'malt', 'star']), z.object({ adapterId: idSchema })])
/** A role's adapter once the named sets are bound. */
export const resolvedAdapterSchema = z.union([z.literal('base'), z.object({ adapterId: idSchema })])
export const answerSourceSchema = z.enum([...roles, 'debate'])
export const debateShapeSchema = z.object({
  agents: z.number().int().min(1).max(8),
  rounds: z.number().int().min(1).max(8)
})

/** One evaluated system; the presets (`evaluations.configurations`) are these, and any other mix can be written. */
export const evalConfigurationSchema = z.object({
  id: z
    .string()
    .max(40)
    .regex(/^[a-z][a-z0-9_]*$/, 'a configuration id is lower case letters, digits and _'),
  label: z.string().trim().min(1).max(80),
  pipeline: evalPipelineSchema,
  adapters: perRoleSchema(adapterRefSchema),
  /** MV@k; 1 is no vote. */
  votes: z.number().int().min(1).max(16),
  answerFrom: answerSourceSchema,
  debate: debateShapeSchema.optional()
})
export type EvalConfigurationInput = z.infer<typeof evalConfigurationSchema>

const roleBindingSchema = z.object({
  generator: idSchema.nullable().optional(),
  verifier: idSchema.nullable().optional(),
  refiner: idSchema.nullable().optional()
})
/**
 * The concrete registered adapter of each role in each named set. `null` leaves that role untrained (it shares the
 * base model's outputs); a role a configuration runs but the set leaves out is an error naming it.
 */
export const adapterSetsSchema = z.object({ malt: roleBindingSchema.optional(), star: roleBindingSchema.optional() })
export type AdapterSetsInput = z.infer<typeof adapterSetsSchema>

export const adapterSetNeedSchema = z.object({
  set: adapterSetNameSchema,
  roles: z.array(roleSchema),
  configurationIds: z.array(z.string())
})

/** Where a preset comes from in the paper. */
export const presetGroupSchema = z.enum(['inference', 'star', 'malt', 'debate', 'untrained_role', 'pipeline'])

export const configurationPresetSchema = evalConfigurationSchema.extend({
  group: presetGroupSchema,
  /** The named adapter sets (and roles) this preset needs bound before it can run. */
  needs: z.array(adapterSetNeedSchema.omit({ configurationIds: true }))
})
export type ConfigurationPreset = z.infer<typeof configurationPresetSchema>

// ---- evaluations ----------------------------------------------------------------------------------------------

/** `interrupted`: stored as running, but no job has written for a while (the process ended); resume it. */
export const evaluationStatusSchema = z.enum(['created', 'running', 'paused', 'completed', 'cancelled', 'failed', 'interrupted'])
export type EvaluationStatus = z.infer<typeof evaluationStatusSchema>

const defaultSampling = { temperature: 0.3, topP: 1, maxTokens: 512 }
const defaultDebate = { agents: 3, rounds: 3 }

/** Everything an evaluation's plan is a pure function of, stored with it: re-planning reproduces it exactly. */
export const evaluationConfigSchema = z.object({
  datasetId: idSchema,
  split: splitSchema,
  /** Full definitions, presets included (with the k and debate shape chosen at creation). */
  configurations: z.array(evalConfigurationSchema).min(1),
  adapterSets: adapterSetsSchema,
  /** The split's question ids when the evaluation was created: the pool every seed's subset is drawn from. */
  questionIds: z.array(idSchema).min(1),
  /** Questions per seed. */
  subsetSize: z.number().int().positive(),
  /** Evaluation seeds, ascending: each draws its own subset and its own samples. */
  seeds: z.array(z.number().int().min(0).max(2 ** 31 - 1)).min(1),
  /** The k of MV@k the presets were made with. */
  votes: z.number().int().min(1).max(16),
  debate: debateShapeSchema,
  sampling: samplingSchema,
  modelPath: z.string().min(1),
  /** Prompt template versions per role (the same for every configuration, as in the paper, App. A.9). */
  templateIds: perRoleSchema(idSchema),
  /** Items (question × seed) evaluated at once. */
  questionConcurrency: z.number().int().min(1).max(64)
})
export type EvaluationConfig = z.infer<typeof evaluationConfigSchema>

export const createEvaluationInputSchema = z.object({
  name: z.string().trim().min(1).max(120).optional(),
  datasetId: idSchema,
  split: splitSchema.default('test'),
  /** Preset ids (`sa`, `malt`, …) and/or full definitions, in table order. */
  configurations: z.array(z.union([z.string().min(1).max(40), evalConfigurationSchema])).min(1).max(64),
  adapterSets: adapterSetsSchema.default({}),
  /** A count (seeds 0 … n − 1) or a list of seeds. Defaults to 4, the paper's. */
  seeds: z.union([z.number().int().min(1).max(64), z.array(z.number().int().min(0).max(2 ** 31 - 1)).min(1).max(64)]).default(4),
  /** Questions per seed; null (the default) evaluates the whole split under every seed. */
  subsetSize: z.number().int().positive().nullable().default(null),
  /** k of MV@k for every voting preset. Defaults to 3 (paper §5.1). */
  votes: z.number().int().min(1).max(16).default(3),
  /** Defaults to temperature 0.3 (App. A.9), top-p 1, 512 tokens. */
  sampling: samplingSchema.default(defaultSampling),
  /** Defaults to the default model (Setup). */
  modelPath: z.string().min(1).optional(),
  /** The debate preset's agents × rounds. Defaults to 3 × 3 (App. A.3). */
  debate: debateShapeSchema.default(defaultDebate),
  questionConcurrency: z.number().int().min(1).max(64).default(4),
  start: z.boolean().default(true)
})
export type CreateEvaluationInput = z.input<typeof createEvaluationInputSchema>

export const evaluationViewSchema = z.object({
  id: idSchema,
  name: z.string(),
  datasetId: idSchema,
  datasetName: z.string(),
  benchmark: benchmarkSchema,
  split: z.string(),
  status: evaluationStatusSchema,
  error: z.string().nullable(),
  createdAt: isoDateSchema,
  updatedAt: isoDateSchema,
  finishedAt: isoDateSchema.nullable(),
  configurationIds: z.array(z.string()),
  seeds: z.array(z.number().int()),
  subsetSize: z.number().int(),
  /** Question × seed pairs. */
  itemCount: z.number().int(),
  completeItems: z.number().int(),
  /** Units the plan computes (shared work counted once) and units stored so far. */
  unitCount: z.number().int(),
  storedUnits: z.number().int(),
  modelPath: z.string(),
  /** The job running it in this process, if any (its progress arrives as `job.updated` events). */
  jobId: z.string().nullable()
})
export type EvaluationView = z.infer<typeof evaluationViewSchema>

export const evaluationDetailSchema = evaluationViewSchema.extend({
  config: evaluationConfigSchema,
  /** What the configurations would compute run one by one, nothing shared. */
  naiveUnitCount: z.number().int(),
  unitsPerItem: z.number().int(),
  subsets: z.array(z.object({ seed: z.number().int(), questionIds: z.array(idSchema) })),
  configurations: z.array(
    evalConfigurationSchema.extend({
      resolved: perRoleSchema(resolvedAdapterSchema)
    })
  )
})
export type EvaluationDetail = z.infer<typeof evaluationDetailSchema>

// ---- results ----------------------------------------------------------------------------------------------------

/** Accuracies are percentages (0–100); std is the population std over seeds, as the paper's (see meanAndStd). */
export const seedStatisticsSchema = z.object({
  perSeed: z.array(z.object({ seed: z.number().int(), correct: z.number().int(), total: z.number().int(), accuracy: z.number().nullable() })),
  mean: z.number().nullable(),
  std: z.number().nullable(),
  n: z.number().int()
})

const flipCountsSchema = z.object({
  wrongToRight: z.number().int(),
  rightToWrong: z.number().int(),
  stayedRight: z.number().int(),
  stayedWrong: z.number().int()
})
const turnSchema = z.object({ id: z.string(), label: z.string() })

export const configurationResultSchema = evalConfigurationSchema.extend({
  resolved: perRoleSchema(resolvedAdapterSchema),
  /** The configuration's answer (voted), per seed and mean ± std: the tables' cells. */
  accuracy: seedStatisticsSchema,
  completeItems: z.number().int(),
  /** Items left out of every number of this configuration because a unit is missing. */
  incompleteItems: z.number().int(),
  /** Accuracy after each turn (G, V, R; or debate rounds), MV over the passes at each turn (Fig. 3). */
  turns: z.array(turnSchema.extend({ accuracy: seedStatisticsSchema })),
  /** Wrong→right and right→wrong flips of each turn over the one before (Fig. 2). */
  flips: z.array(z.object({ from: turnSchema, to: turnSchema, perSeed: z.array(flipCountsSchema.extend({ seed: z.number().int() })), total: flipCountsSchema })),
  /** Accuracy voting over the first k passes, k = 1 … votes. */
  byVotes: z.array(z.object({ votes: z.number().int(), accuracy: seedStatisticsSchema }))
})
export type ConfigurationResult = z.infer<typeof configurationResultSchema>

export const evaluationResultsSchema = z.object({
  evaluationId: idSchema,
  benchmark: benchmarkSchema,
  /** Every planned unit is stored. */
  complete: z.boolean(),
  /** Read from the summary stored at completion (false: computed now from the stored units). */
  fromStore: z.boolean(),
  computedAt: isoDateSchema,
  seeds: z.array(z.number().int()),
  itemCount: z.number().int(),
  unitCount: z.number().int(),
  storedUnits: z.number().int(),
  configurations: z.array(configurationResultSchema)
})
export type EvaluationResults = z.infer<typeof evaluationResultsSchema>

// ---- per-item outputs -----------------------------------------------------------------------------------------

/** A unit's stage: a role's turn, or a debate agent's (run as the generator role). */
export const evalStageSchema = z.enum([...roles, 'debate'])

export const evalUnitViewSchema = z.object({
  outputId: idSchema,
  /** The work key, e.g. `p1/G[#12]>V[#13]`. */
  key: z.string(),
  stage: evalStageSchema,
  role: roleSchema,
  /** `base` or `#<adapter id>`. */
  adapter: z.string(),
  /** Debate only: 0-based agent and round. */
  agent: z.number().int().optional(),
  round: z.number().int().optional(),
  text: z.string(),
  /** What the grader extracted (a verifier's stated answer, often none). */
  answer: z.string().nullable(),
  correct: z.boolean(),
  ...gradingDetailShape,
  samplingSeed: z.number().int(),
  stopReason: z.string(),
  completionTokens: z.number().int(),
  durationMs: z.number(),
  prompt: z.array(z.object({ role: z.string(), content: z.string() })).optional()
})
export type EvalUnitView = z.infer<typeof evalUnitViewSchema>

const answerInPlaySchema = z.object({ answer: z.string().nullable(), correct: z.boolean() })

export const evalItemViewSchema = z.object({
  seed: z.number().int(),
  questionId: idSchema,
  externalId: z.string(),
  question: z.string(),
  gold: z.string(),
  choices: z.array(z.string()).nullable(),
  /** Every unit the configuration reads is stored. */
  complete: z.boolean(),
  /** The configuration's (voted) answer; null and null while incomplete. */
  answer: z.string().nullable(),
  correct: z.boolean().nullable(),
  /** Each pass's answer before the vote (complete items). */
  votes: z.array(answerInPlaySchema.extend({ pass: z.number().int() })),
  /** The voted answer in play after each turn (complete items). */
  turns: z.array(turnSchema.extend(answerInPlaySchema.shape)),
  /** Every stage output of every pass, in pipeline order (stored ones only). */
  passes: z.array(z.object({ pass: z.number().int(), units: z.array(evalUnitViewSchema) }))
})
export type EvalItemView = z.infer<typeof evalItemViewSchema>

export const itemOutcomeFilterSchema = z.enum(['all', 'correct', 'wrong', 'incomplete'])

// ---- comparisons ------------------------------------------------------------------------------------------------

const itemDifferenceSchema = z.object({
  seed: z.number().int(),
  questionId: idSchema,
  /** The question as the dataset names and states it, and its gold answer, so a difference reads on its own. */
  externalId: z.string(),
  question: z.string(),
  gold: z.string(),
  answerA: z.string().nullable(),
  answerB: z.string().nullable()
})

export const configurationComparisonSchema = z.object({
  configurationA: z.string(),
  configurationB: z.string(),
  shared: z.number().int(),
  bothRight: z.number().int(),
  bothWrong: z.number().int(),
  rightInAOnly: z.array(itemDifferenceSchema),
  rightInBOnly: z.array(itemDifferenceSchema),
  onlyInA: z.number().int(),
  onlyInB: z.number().int()
})

const verifierSideSchema = z.object({
  verification: z.object({ outputId: idSchema, key: z.string(), text: z.string(), answer: z.string().nullable() }).nullable(),
  refinement: z.object({ outputId: idSchema, key: z.string(), text: z.string(), answer: z.string().nullable(), correct: z.boolean() }).nullable()
})

export const verifierComparisonItemSchema = z.object({
  seed: z.number().int(),
  questionId: idSchema,
  externalId: z.string(),
  question: z.string(),
  gold: z.string(),
  choices: z.array(z.string()).nullable(),
  /** The generator output both verifiers read. */
  generation: z.object({ outputId: idSchema, key: z.string(), text: z.string(), answer: z.string().nullable(), correct: z.boolean() }).nullable(),
  trained: verifierSideSchema,
  untrained: verifierSideSchema,
  /** Both refinements exist and one is right, the other wrong. */
  disagree: z.boolean(),
  /** Both refinements exist and their extracted answers differ. */
  answersDiffer: z.boolean()
})
export type VerifierComparisonItem = z.infer<typeof verifierComparisonItemSchema>

const comparedConfigurationSchema = z.object({ configurationId: z.string(), label: z.string(), verifierAdapter: z.string(), refinerAdapter: z.string() })

// ---- API ----------------------------------------------------------------------------------------------------------

const evaluationIdInput = z.object({ evaluationId: idSchema })
export const tableKindSchema = z.enum(['results', 'untrainedRole', 'pipeline'])
export const tableFormatSchema = z.enum(['csv', 'json', 'markdown'])

export const evaluationsApi = {
  configurations: procedure({
    input: z
      .object({
        /** Preset ids whose needed adapter sets to report in `needs`. */
        ids: z.array(z.string().min(1)).optional(),
        votes: z.number().int().min(1).max(16).optional(),
        debate: debateShapeSchema.optional()
      })
      .optional(),
    output: z.object({ presets: z.array(configurationPresetSchema), needs: z.array(adapterSetNeedSchema) }),
    description: 'The paper’s configuration presets with labels, groups and the adapter sets each needs (and those a selection needs).'
  }),
  list: procedure({ input: nothing, output: z.array(evaluationViewSchema), description: 'Every evaluation with its progress.' }),
  get: procedure({ input: evaluationIdInput, output: evaluationDetailSchema, description: 'One evaluation with its stored configuration and plan.' }),
  create: procedure({
    input: createEvaluationInputSchema,
    output: evaluationViewSchema,
    description: 'Creates an evaluation (and starts it unless start is false).'
  }),
  resume: procedure({ input: evaluationIdInput, output: evaluationViewSchema, description: 'Continues a paused, cancelled, failed or interrupted evaluation; stored units are never recomputed.' }),
  pause: procedure({ input: evaluationIdInput, output: z.object({ paused: z.boolean() }), description: 'Stops a running evaluation so it can be resumed.' }),
  remove: procedure({ input: evaluationIdInput, output: z.object({ removed: z.boolean() }), description: 'Deletes an evaluation that is not running, with its outputs.' }),
  results: procedure({
    input: evaluationIdInput.extend({ recompute: z.boolean().default(false) }),
    output: evaluationResultsSchema,
    description: 'The aggregated numbers: per configuration per-seed accuracy, mean ± std, per turn, flips, by votes.'
  }),
  items: procedure({
    input: evaluationIdInput.extend({
      configurationId: z.string().min(1),
      seed: z.number().int().optional(),
      outcome: itemOutcomeFilterSchema.default('all'),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(500).default(50)
    }),
    output: z.object({ total: z.number().int(), items: z.array(evalItemViewSchema) }),
    description: 'Per-item outputs of one configuration: every stage’s text, extracted answers, votes and correctness.'
  }),
  compare: procedure({
    input: z.object({
      evaluationA: idSchema,
      evaluationB: idSchema,
      /** (configuration in A, configuration in B) pairs; defaults to every id both have. */
      pairs: z.array(z.tuple([z.string(), z.string()])).optional()
    }),
    output: z.object({ evaluationA: idSchema, evaluationB: idSchema, comparisons: z.array(configurationComparisonSchema) }),
    description: 'Per-item differences between two evaluations (or two configurations of one).'
  }),
  exportTable: procedure({
    input: z.object({
      /** One column each, in order. */
      evaluationIds: z.array(idSchema).min(1).max(12),
      format: tableFormatSchema,
      table: tableKindSchema.default('results'),
      /** Rows in this order (results table only). Defaults to every configuration. */
      configurationIds: z.array(z.string()).optional(),
      /** Column headers. Default: the benchmark (GSM8K, MATH, CSQA) or the dataset name. */
      labels: z.array(z.string().min(1)).optional(),
      digits: z.number().int().min(0).max(6).default(2),
      splitStd: z.boolean().default(false)
    }),
    output: z.object({ fileName: z.string(), content: z.string() }),
    description: 'The paper’s table (configurations × benchmarks, mean ± std) or an ablation table as CSV, JSON or Markdown.'
  }),
  exportItems: procedure({
    input: evaluationIdInput.extend({ configurationIds: z.array(z.string()).optional(), includePrompts: z.boolean().default(false) }),
    output: z.object({ fileName: z.string(), lines: z.number().int(), content: z.string() }),
    description: 'Per-item outputs as JSONL: one line per configuration and item.'
  }),
  verifierComparison: procedure({
    input: evaluationIdInput.extend({
      trained: z.string().default('malt'),
      untrained: z.string().default('untrained_v'),
      pass: z.number().int().min(0).default(0),
      seed: z.number().int().optional(),
      onlyDisagreements: z.boolean().default(false),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(500).default(50)
    }),
    output: z.object({
      trained: comparedConfigurationSchema,
      untrained: comparedConfigurationSchema,
      /** The generator chain both read, e.g. `G[#12]`. */
      generationChain: z.string(),
      pass: z.number().int(),
      total: z.number().int(),
      disagreements: z.number().int(),
      items: z.array(verifierComparisonItemSchema)
    }),
    description: 'Trained vs untrained verifier on the same generator output, per item (paper App. A.4).'
  })
} as const
