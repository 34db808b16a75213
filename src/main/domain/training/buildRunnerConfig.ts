import type { TrainingOptions, TrainingStage } from '@shared/api/schemas/training'

/** The runner's own defaults (resources/python/README.md, "Config"), written out so every config says what it used. */
export const defaultLoraRank = 16
export const defaultLoraAlpha = 32
export const defaultLearningRates: Record<TrainingStage, number> = { sft: 1e-4, dpo: 1e-5 }

export interface RunnerConfigInput {
  stage: TrainingStage
  options: TrainingOptions
  baseModelPath: string
  trainFile: string
  outputDir: string
  /** The PEFT folder to start from: for DPO the role's SFT adapter, which is then also the reference. */
  initAdapter: string | null
}

/**
 * The JSON config of one runner job (`python -m malt_runner train --config`), snake_case as the runner reads it. A job
 * that starts from an adapter leaves `rank`/`alpha` null: the adapter's own values are used.
 */
export function buildRunnerConfig(input: RunnerConfigInput): Record<string, unknown> {
  const { options, stage } = input
  const fromAdapter = input.initAdapter !== null || stage === 'dpo'
  return {
    method: stage,
    base_model: input.baseModelPath,
    train_file: input.trainFile,
    output_dir: input.outputDir,
    init_adapter: input.initAdapter,
    rank: fromAdapter ? null : (options.rank ?? defaultLoraRank),
    alpha: fromAdapter ? null : (options.alpha ?? defaultLoraAlpha),
    dropout: options.dropout,
    target_modules: options.targetModules,
    learning_rate: options.learningRate ?? defaultLearningRates[stage],
    num_epochs: options.epochs,
    max_steps: options.maxSteps,
    batch_size: options.batchSize,
    gradient_accumulation_steps: options.gradientAccumulationSteps,
    max_length: options.maxLength,
    warmup_steps: options.warmupSteps,
    lr_scheduler_type: options.lrScheduler,
    gradient_checkpointing: options.gradientCheckpointing,
    eval_fraction: options.evalFraction,
    early_stopping_patience: options.earlyStoppingPatience,
    seed: options.seed,
    logging_steps: options.loggingSteps,
    save_steps: options.saveSteps,
    device: options.device,
    dtype: options.dtype,
    ...(stage === 'dpo' ? { beta: options.beta } : {}),
    export_gguf: true
  }
}
