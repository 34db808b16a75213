import { z } from 'zod'

/**
 * The runner's JSON-line event protocol (resources/python/README.md, "Event protocol"). Every stdout line of
 * `python -m malt_runner train` must parse as one of these; anything else is a protocol error. The objects are strict,
 * and both sides are tested against the same samples (resources/python/protocol/event_samples.jsonl): a field added,
 * renamed or retyped on either side fails until the samples, the runner and this schema agree.
 */
const time = z.number()
const int = z.number().int()

export const startedEventSchema = z.strictObject({
  type: z.literal('started'),
  time,
  method: z.enum(['sft', 'dpo']),
  pid: int,
  runner_version: z.string(),
  base_model: z.string(),
  train_file: z.string(),
  output_dir: z.string(),
  init_adapter: z.string().nullable(),
  train_examples: int,
  device: z.enum(['cpu', 'cuda']),
  device_name: z.string(),
  dtype: z.enum(['float32', 'bfloat16', 'float16']),
  lora: z.strictObject({
    r: int,
    lora_alpha: z.number(),
    lora_dropout: z.number().optional(),
    target_modules: z.array(z.string())
  })
})

/** What fitting the data to max_length did: prompts cut from the left, examples left out (a completion is never cut). */
export const dataEventSchema = z.strictObject({
  type: z.literal('data'),
  time,
  examples: int,
  kept: int,
  max_length: int.nullable(),
  applied_max_length: int,
  longest_tokens: int,
  prompts_truncated: int,
  prompt_tokens_removed: int,
  dropped: int,
  /** 1-based lines of the training file (the first 20 of each kind). */
  truncated_lines: z.array(int),
  dropped_lines: z.array(int),
  train_examples: int,
  eval_examples: int
})

/** How each optimizer step of the effective batch runs (never what it optimises). */
export const planEventSchema = z.strictObject({
  type: z.literal('plan'),
  time,
  effective_batch_size: int,
  micro_batch_size: int,
  gradient_accumulation_steps: int,
  gradient_checkpointing: z.boolean(),
  world_size: int,
  estimated_activation_bytes: z.number().nullable(),
  free_memory_bytes: z.number().nullable(),
  plan_reason: z.string(),
  padding_free: z.boolean(),
  padding_reason: z.string(),
  attention: z.string(),
  attention_reason: z.string(),
  pad_to_multiple_of: int.nullable(),
  use_liger_kernel: z.boolean(),
  num_epochs: z.number(),
  eval_steps: int.nullable()
})

export const progressEventSchema = z.strictObject({
  type: z.literal('progress'),
  time,
  step: int,
  total_steps: int,
  epoch: z.number(),
  eta_seconds: z.number().nullable()
})

/** trl's metric names ("loss", "rewards/margins", …) plus ours under "perf/"; a non-finite value arrives as null. */
export const metricsEventSchema = z
  .object({ type: z.literal('metrics'), time, step: int })
  .catchall(z.number().nullable())

export const checkpointEventSchema = z.strictObject({ type: z.literal('checkpoint'), time, step: int, path: z.string() })

export const finishedEventSchema = z.strictObject({
  type: z.literal('finished'),
  time,
  method: z.enum(['sft', 'dpo']),
  adapter_dir: z.string(),
  gguf_path: z.string().nullable(),
  steps: int,
  train_loss: z.number().nullable(),
  train_tokens: int,
  train_runtime_s: z.number(),
  tokens_per_second: z.number().nullable(),
  outside_fwd_bwd_fraction: z.number().nullable(),
  /** Model FLOPs utilisation; null on the CPU and on a GPU without a known peak. */
  mfu: z.number().nullable(),
  /** With a held-out slice: its best loss and the step of it (the saved adapter is that step's). */
  best_eval_loss: z.number().nullable(),
  best_step: int.nullable(),
  stopped_early: z.boolean(),
  load_seconds: z.number(),
  export_seconds: z.number(),
  total_seconds: z.number()
})

export const errorEventSchema = z.strictObject({
  type: z.literal('error'),
  time,
  kind: z.enum(['bad_config', 'bad_data', 'oom', 'cancelled', 'internal']),
  message: z.string(),
  field: z.string().nullable().optional(),
  file: z.string().optional(),
  line: int.nullable().optional(),
  step: int.nullable().optional(),
  exception: z.string().optional()
})

export const runnerEventSchema = z.discriminatedUnion('type', [
  startedEventSchema,
  dataEventSchema,
  planEventSchema,
  progressEventSchema,
  metricsEventSchema,
  checkpointEventSchema,
  finishedEventSchema,
  errorEventSchema
])

export type RunnerEvent = z.infer<typeof runnerEventSchema>
export type MetricsEvent = z.infer<typeof metricsEventSchema>
export type StartedEvent = z.infer<typeof startedEventSchema>
export type DataEvent = z.infer<typeof dataEventSchema>
export type PlanEvent = z.infer<typeof planEventSchema>
export type ProgressEvent = z.infer<typeof progressEventSchema>
export type FinishedEvent = z.infer<typeof finishedEventSchema>
export type ErrorEvent = z.infer<typeof errorEventSchema>
