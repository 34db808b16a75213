import { z } from 'zod'
import { procedure } from '../procedure'
import { idSchema, isoDateSchema, roleSchema } from './common'
import { modelPathSchema } from './models'
import { creditSettingsSchema } from './runs'

/**
 * Training (paper §4.3, Algorithm 1 lines 21–27, App. A.9): per-role LoRA SFT on the positive samples, then DPO
 * (β = 0.2) for the verifier and the refiner starting from their SFT adapters, run one job at a time by the bundled
 * Python runner (resources/python/README.md). Finished jobs register a GGUF LoRA adapter any role agent can load.
 */

export const trainingStageSchema = z.enum(['sft', 'dpo'])
export type TrainingStage = z.infer<typeof trainingStageSchema>

/** MALT: G SFT; V SFT → V DPO; R SFT → R DPO. STaR: SFT of all three roles on their positive samples. */
export const trainingPresetSchema = z.enum(['malt', 'star'])
export type TrainingPreset = z.infer<typeof trainingPresetSchema>

export const trainingJobStatusSchema = z.enum(['created', 'queued', 'running', 'completed', 'failed', 'cancelled', 'skipped'])
export type TrainingJobStatus = z.infer<typeof trainingJobStatusSchema>
export const trainingPlanStatusSchema = z.enum(['created', 'queued', 'running', 'completed', 'failed', 'cancelled'])
export type TrainingPlanStatus = z.infer<typeof trainingPlanStatusSchema>

/** The modules the GGUF export maps to llama.cpp tensors (attn_q … ffn_down). */
export const loraTargetModules = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] as const

/**
 * What a job (or every step of a preset) is trained with. Defaults follow the paper where it says (batch 8, DPO
 * β = 0.2) and the runner otherwise (LoRA r 16, α 32; learning rate 1e-4 for SFT, 1e-5 for DPO; one epoch).
 */
export const trainingOptionsSchema = z.object({
  /** The GGUF the runner trains on and the agents load the adapter onto. Defaults to the run's model. */
  baseModelPath: modelPathSchema.optional(),
  /** How the run's trees become training data: θ, pooling, the cap of pairs per parent. */
  credit: creditSettingsSchema.default({ threshold: 0.5, pooling: 'global', maxPairsPerParent: null, pairSeed: 0 }),
  /** LoRA rank and alpha for SFT (defaults 16 and 32). A DPO job keeps its SFT adapter's and refuses others. */
  rank: z.number().int().min(1).max(1024).optional(),
  alpha: z.number().positive().max(100_000).optional(),
  dropout: z.number().min(0).max(0.9).default(0.05),
  targetModules: z.array(z.enum(loraTargetModules)).min(1).default([...loraTargetModules]),
  /** Peak AdamW learning rate. Defaults to the runner's: 1e-4 for SFT, 1e-5 for DPO. */
  learningRate: z.number().positive().max(1).optional(),
  epochs: z.number().int().min(1).max(100).default(1),
  /** Optimizer steps; overrides epochs. */
  maxSteps: z.number().int().min(1).max(1_000_000).nullable().default(null),
  /** Examples per forward pass: 8 in the paper. */
  batchSize: z.number().int().min(1).max(1024).default(8),
  gradientAccumulationSteps: z.number().int().min(1).max(1024).default(1),
  /**
   * Tokens of prompt + completion. A longer prompt is cut from the left; a completion is never cut (an example whose
   * completion alone is longer is left out, and the job says which).
   */
  maxLength: z.number().int().min(16).max(131_072).default(1024),
  warmupSteps: z.number().int().min(0).default(0),
  lrScheduler: z.enum(['linear', 'cosine', 'constant', 'constant_with_warmup']).default('linear'),
  /** `auto`: only when a micro-batch would not fit the GPU's free memory otherwise (never on the CPU). */
  gradientCheckpointing: z.union([z.boolean(), z.literal('auto')]).default('auto'),
  /**
   * Share of the training set held out (seeded) to measure `eval_loss`, the curve that shows when SFT has converged
   * (paper App. A.9). 0: none.
   */
  evalFraction: z.number().min(0).max(0.5).default(0),
  /** Stop after this many evaluations without a better held-out loss and keep the best adapter. Needs evalFraction. */
  earlyStoppingPatience: z.number().int().min(1).max(1000).nullable().default(null),
  /**
   * How the runner is started: `accelerate` runs it under `accelerate launch` with `numProcesses` processes (one per
   * GPU; DDP, or FSDP/DeepSpeed through `accelerateConfig`, a config file written by `accelerate config`).
   */
  launcher: z.enum(['none', 'accelerate']).default('none'),
  numProcesses: z.number().int().min(1).max(1024).default(1),
  accelerateConfig: z.string().min(1).nullable().default(null),
  /** DPO's β: 0.2 in the paper. */
  beta: z.number().positive().max(10).default(0.2),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(42),
  /** `auto` trains on CUDA when present; `cuda` fails without a GPU (no silent fallback). */
  device: z.enum(['auto', 'cpu', 'cuda']).default('auto'),
  dtype: z.enum(['auto', 'float32', 'bfloat16', 'float16']).default('auto'),
  /** A checkpoint every N steps; null: only the final adapter. */
  saveSteps: z.number().int().min(1).nullable().default(null),
  loggingSteps: z.number().int().min(1).default(1)
})
export type TrainingOptions = z.infer<typeof trainingOptionsSchema>
export type TrainingOptionsInput = z.input<typeof trainingOptionsSchema>

/** What a preset's DPO steps may set apart from its SFT steps. No defaults here: unset means "as `options`". */
export const dpoOverridesSchema = z.object({
  learningRate: z.number().positive().max(1).optional(),
  epochs: z.number().int().min(1).max(100).optional(),
  maxSteps: z.number().int().min(1).max(1_000_000).nullable().optional(),
  batchSize: z.number().int().min(1).max(1024).optional(),
  gradientAccumulationSteps: z.number().int().min(1).max(1024).optional(),
  beta: z.number().positive().max(10).optional(),
  warmupSteps: z.number().int().min(0).optional()
})
export type DpoOverrides = z.infer<typeof dpoOverridesSchema>

export const enqueueTrainingInputSchema = z.object({
  runId: idSchema,
  role: roleSchema,
  stage: trainingStageSchema,
  options: trainingOptionsSchema.default(trainingOptionsSchema.parse({})),
  /** false: the job is prepared (data exported, config written) and held until `training.start`. */
  start: z.boolean().default(true)
})
export type EnqueueTrainingInput = z.input<typeof enqueueTrainingInputSchema>

export const enqueuePresetInputSchema = z.object({
  runId: idSchema,
  preset: trainingPresetSchema,
  /** Options of every step. */
  options: trainingOptionsSchema.default(trainingOptionsSchema.parse({})),
  /** Overrides for the DPO steps (their learning rate, epochs, β…); unset fields take `options`. */
  dpoOptions: dpoOverridesSchema.optional(),
  /** A failed step does not stop later independent steps; a DPO step whose SFT step failed is skipped. */
  continueOnFailure: z.boolean().default(false),
  start: z.boolean().default(true)
})
export type EnqueuePresetInput = z.input<typeof enqueuePresetInputSchema>

/** What the runner reported when a job finished (resources/python/README.md, the `finished` event). */
export const trainingResultSchema = z.object({
  steps: z.number().int(),
  trainLoss: z.number().nullable(),
  trainTokens: z.number().int(),
  trainRuntimeSeconds: z.number(),
  tokensPerSecond: z.number().nullable(),
  /** Share of optimizer-step wall time spent outside the forward and backward passes. */
  outsideFwdBwdFraction: z.number().nullable(),
  /** Model FLOPs utilisation (null on the CPU or a GPU without a known peak); absent in jobs of older runners. */
  mfu: z.number().nullable().optional(),
  /** With a held-out slice: its best loss and that step (whose adapter was kept). */
  bestEvalLoss: z.number().nullable().optional(),
  bestStep: z.number().int().nullable().optional(),
  stoppedEarly: z.boolean().optional(),
  loadSeconds: z.number(),
  exportSeconds: z.number(),
  totalSeconds: z.number()
})
export type TrainingResult = z.infer<typeof trainingResultSchema>

/** Facts from the runner's `started` event. */
export const trainingStartFactsSchema = z.object({
  device: z.string(),
  deviceName: z.string(),
  dtype: z.string(),
  trainExamples: z.number().int(),
  loraRank: z.number().int(),
  loraAlpha: z.number(),
  runnerVersion: z.string(),
  pid: z.number().int()
})

/** Facts from the runner's `data` event: what fitting the examples to the max length did. */
export const trainingDataFactsSchema = z.object({
  examples: z.number().int(),
  kept: z.number().int(),
  maxLength: z.number().int().nullable(),
  appliedMaxLength: z.number().int(),
  longestTokens: z.number().int(),
  promptsTruncated: z.number().int(),
  promptTokensRemoved: z.number().int(),
  /** Examples left out because their completion alone is longer than the max length. */
  dropped: z.number().int(),
  /** 1-based lines of the job's training file (the first 20 of each). */
  truncatedLines: z.array(z.number().int()),
  droppedLines: z.array(z.number().int()),
  trainExamples: z.number().int(),
  evalExamples: z.number().int()
})
export type TrainingDataFacts = z.infer<typeof trainingDataFactsSchema>

/** Facts from the runner's `plan` event: how each step of the batch ran. */
export const trainingPlanFactsSchema = z.object({
  effectiveBatchSize: z.number().int(),
  microBatchSize: z.number().int(),
  gradientAccumulationSteps: z.number().int(),
  gradientCheckpointing: z.boolean(),
  worldSize: z.number().int(),
  paddingFree: z.boolean(),
  attention: z.string(),
  reason: z.string()
})
export type TrainingPlanFacts = z.infer<typeof trainingPlanFactsSchema>

export const trainingJobViewSchema = z.object({
  id: idSchema,
  name: z.string(),
  planId: idSchema.nullable(),
  planOrder: z.number().int(),
  runId: idSchema.nullable(),
  runName: z.string().nullable(),
  role: roleSchema,
  stage: trainingStageSchema,
  status: trainingJobStatusSchema,
  /** Why it failed, was cancelled or skipped. */
  error: z.string().nullable(),
  baseModelPath: z.string(),
  trainExamples: z.number().int().nullable(),
  /** The SFT job a plan's DPO step starts from. */
  dependsOnJobId: idSchema.nullable(),
  step: z.number().int().nullable(),
  totalSteps: z.number().int().nullable(),
  /** The last logged loss. */
  loss: z.number().nullable(),
  createdAt: isoDateSchema,
  startedAt: isoDateSchema.nullable(),
  finishedAt: isoDateSchema.nullable(),
  /** The JobManager job while it runs in this process (progress, ETA in `job.updated`). */
  jobId: z.string().nullable(),
  adapterId: idSchema.nullable(),
  started: trainingStartFactsSchema.nullable(),
  /** What the runner did to the data (prompts cut, examples left out); null until it said. */
  data: trainingDataFactsSchema.nullable().default(null),
  plan: trainingPlanFactsSchema.nullable().default(null),
  result: trainingResultSchema.nullable()
})
export type TrainingJobView = z.infer<typeof trainingJobViewSchema>

export const trainingAdapterSchema = z.object({
  id: idSchema,
  name: z.string(),
  role: roleSchema,
  stage: z.string().nullable(),
  runId: idSchema.nullable(),
  trainingJobId: idSchema.nullable(),
  baseModelPath: z.string(),
  ggufPath: z.string(),
  peftDir: z.string().nullable(),
  createdAt: isoDateSchema,
  /** Whether the GGUF file is still on disk. */
  exists: z.boolean()
})
export type TrainingAdapterView = z.infer<typeof trainingAdapterSchema>

export const trainingJobDetailSchema = trainingJobViewSchema.extend({
  options: trainingOptionsSchema,
  /** The runner config (resources/python/README.md, "Config") as written for this job. */
  config: z.record(z.string(), z.unknown()),
  outputDir: z.string().nullable(),
  trainFile: z.string().nullable(),
  logPath: z.string().nullable(),
  /** The end of the runner's stderr log. */
  logTail: z.string(),
  adapter: trainingAdapterSchema.nullable()
})
export type TrainingJobDetail = z.infer<typeof trainingJobDetailSchema>

export const trainingPlanViewSchema = z.object({
  id: idSchema,
  runId: idSchema.nullable(),
  preset: z.string(),
  continueOnFailure: z.boolean(),
  status: trainingPlanStatusSchema,
  createdAt: isoDateSchema,
  finishedAt: isoDateSchema.nullable(),
  /** Its steps in order. */
  jobs: z.array(trainingJobViewSchema)
})
export type TrainingPlanView = z.infer<typeof trainingPlanViewSchema>

/** Every logged step of a job, in order, with trl's metric names (`loss`, `rewards/margins`, `perf/…`). */
export const trainingMetricsSchema = z.object({
  jobId: idSchema,
  names: z.array(z.string()),
  points: z.array(z.object({ step: z.number().int(), values: z.record(z.string(), z.number().nullable()) }))
})
export type TrainingMetrics = z.infer<typeof trainingMetricsSchema>

/** `python -m malt_runner env` (resources/python/README.md, "Setup"). */
export const runnerEnvironmentReportSchema = z.looseObject({
  runner_version: z.string(),
  python_version: z.string(),
  python_executable: z.string(),
  python_ok: z.boolean(),
  platform: z.string(),
  torch_version: z.string().nullable(),
  torch_error: z.string().optional(),
  cuda_available: z.boolean(),
  cuda_version: z.string().nullable(),
  devices: z.array(z.looseObject({ index: z.number().int(), name: z.string(), total_memory_bytes: z.number(), compute_capability: z.string() })),
  bf16_supported: z.boolean(),
  fp16_supported: z.boolean(),
  cpu_threads: z.number().int().optional(),
  packages: z.array(z.object({ name: z.string(), required: z.string(), installed: z.string().nullable(), ok: z.boolean() })),
  missing: z.array(z.string()),
  mismatched: z.array(z.string()),
  ok: z.boolean()
})
export type RunnerEnvironmentReport = z.infer<typeof runnerEnvironmentReportSchema>

export const trainingSetupViewSchema = z.object({
  jobId: z.string(),
  checkOnly: z.boolean(),
  status: z.string(),
  startedAt: isoDateSchema,
  exitCode: z.number().int().nullable(),
  /** The script's output so far (its log on stderr, the report on stdout). */
  log: z.string()
})

export const trainingEnvironmentSchema = z.object({
  /** Everything the runner needs is there (and CUDA, when asked for). */
  ready: z.boolean(),
  venvPath: z.string(),
  pythonPath: z.string().nullable(),
  /** What is missing, one sentence each. */
  problems: z.array(z.string()),
  report: runnerEnvironmentReportSchema.nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** The last setup job of this process. */
  setup: trainingSetupViewSchema.nullable(),
  setupCommand: z.string()
})
export type TrainingEnvironmentView = z.infer<typeof trainingEnvironmentSchema>

const jobOrPlanSchema = z.union([z.object({ jobId: idSchema }).strict(), z.object({ planId: idSchema }).strict()])

export const trainingApi = {
  environment: procedure({
    input: z
      .object({
        requireCuda: z.boolean().default(false),
        /** false: answer from the last check (cheap, for polling a setup job's log). */
        refresh: z.boolean().default(true)
      })
      .optional(),
    output: trainingEnvironmentSchema,
    description: "The runner's Python environment: interpreter, pinned packages, CUDA; what is missing."
  }),
  setup: procedure({
    input: z.object({ checkOnly: z.boolean().default(false) }).optional(),
    output: z.object({ jobId: z.string() }),
    description: 'Runs scripts/setup-python.sh (creates or updates the venv) as a job with its log; --check only reports.'
  }),
  jobs: procedure({
    input: z.object({ runId: idSchema.optional() }).optional(),
    output: z.array(trainingJobViewSchema),
    description: 'Training jobs, newest first, with status, step and the last loss.'
  }),
  plans: procedure({
    input: z.undefined(),
    output: z.array(trainingPlanViewSchema),
    description: 'Queued plans (MALT, STaR presets) with their steps.'
  }),
  get: procedure({
    input: z.object({ jobId: idSchema }),
    output: trainingJobDetailSchema,
    description: 'One job: options, runner config, status, error, log tail and its adapter.'
  }),
  metrics: procedure({
    input: z.object({ jobId: idSchema }),
    output: trainingMetricsSchema,
    description: "A job's metrics at every logged step (the full history)."
  }),
  enqueue: procedure({
    input: enqueueTrainingInputSchema,
    output: trainingJobViewSchema,
    description: "Exports a role's SFT set or DPO pairs from a run, writes the runner config and queues the job."
  }),
  enqueuePreset: procedure({
    input: enqueuePresetInputSchema,
    output: trainingPlanViewSchema,
    description: 'Queues the MALT (G SFT; V SFT → DPO; R SFT → DPO) or STaR (SFT × 3) plan for a run.'
  }),
  start: procedure({
    input: jobOrPlanSchema,
    output: z.object({ queued: z.number().int() }),
    description: 'Queues a held job (or a plan), or runs a failed, cancelled or skipped one again.'
  }),
  cancel: procedure({
    input: jobOrPlanSchema,
    output: z.object({ cancelled: z.number().int() }),
    description: 'Cancels a queued or running job, or every unfinished step of a plan.'
  }),
  adapters: procedure({
    input: z.object({ role: roleSchema.optional() }).optional(),
    output: z.array(trainingAdapterSchema),
    description: 'Registered LoRA adapters (GGUF) by role, newest first.'
  })
} as const
