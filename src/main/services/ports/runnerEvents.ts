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
  progressEventSchema,
  metricsEventSchema,
  checkpointEventSchema,
  finishedEventSchema,
  errorEventSchema
])

export type RunnerEvent = z.infer<typeof runnerEventSchema>
export type MetricsEvent = z.infer<typeof metricsEventSchema>
export type StartedEvent = z.infer<typeof startedEventSchema>
export type ProgressEvent = z.infer<typeof progressEventSchema>
export type FinishedEvent = z.infer<typeof finishedEventSchema>
export type ErrorEvent = z.infer<typeof errorEventSchema>
