import type { TrainingDataFacts, TrainingPlanFacts, TrainingResult } from '@shared/api/schemas/training'
import { trainingOptionsSchema } from '@shared/api/schemas/training'
import { AppError, serializeError } from '@shared/errors'
import { describeDataFit, describePlan } from '@shared/training/describeTrainingFacts'
import { CancelledError } from '@shared/errors/CancelledError'
import { dpoSkipReason } from '../../domain/training/stepsToSkip'
import type { EventBus } from '../EventBus'
import type { JobContext, JobManager } from '../JobManager'
import type { AdapterRecord, AdapterRepository } from '../ports/AdapterRepository'
import type { DataEvent, FinishedEvent, PlanEvent, RunnerEvent } from '../ports/runnerEvents'
import type { TrainingJobRecord, TrainingRepository } from '../ports/TrainingRepository'
import type { TrainingRunner } from '../ports/TrainingRunner'
import type { TrainingWorkspace } from '../ports/TrainingWorkspace'
import type { PlanBookkeeping } from './PlanBookkeeping'

/**
 * Runs one queued training job through the runner: a DPO step first learns its SFT step's adapter (or is skipped),
 * then the runner's events are stored as they arrive (progress, metrics by step, the facts of `started`, `data` and
 * `plan`: what was cut from the data, how each step ran) and sent on as
 * `training.metrics` events, and a finished job registers its GGUF LoRA adapter for the agents.
 */
export class TrainingJobExecution {
  constructor(
    private readonly repo: TrainingRepository,
    private readonly adapters: AdapterRepository,
    private readonly runner: TrainingRunner,
    private readonly workspace: TrainingWorkspace,
    private readonly plans: PlanBookkeeping,
    private readonly jobs: JobManager,
    private readonly events: EventBus,
    /** Whether the workbench is closing (a job cancelled for that says so). */
    private readonly closing: () => boolean
  ) {}

  /** Starts a queued job as a background job; null when it is skipped instead (a DPO step without its SFT adapter). */
  start(record: TrainingJobRecord): { jobManagerId: string; done: Promise<void> } | null {
    let config = record.config
    if (record.stage === 'dpo' && record.dependsOnJobId !== null) {
      // A DPO step starts from its SFT step's adapter, known only now that the SFT step has ended.
      const sft = this.repo.getJob(record.dependsOnJobId)
      const adapter = sft.status === 'completed' ? this.adapterOfJob(sft.id) : null
      const skip = dpoSkipReason(sft, adapter?.peftDir ?? null)
      if (skip !== null) {
        this.plans.endPending(record.id, 'skipped', skip)
        this.plans.propagate(this.repo.getJob(record.id))
        if (record.planId !== null) this.plans.refreshPlan(record.planId)
        this.events.changed('training')
        return null
      }
      config = { ...config, init_adapter: adapter!.peftDir, rank: null, alpha: null }
      if (record.outputDir) this.workspace.writeJson(this.workspace.filesOf(record.id).configPath, config)
    }
    const now = new Date().toISOString()
    this.repo.clearMetrics(record.id)
    this.repo.updateJob(record.id, { status: 'running', config, startedAt: now, heartbeatAt: now, finishedAt: null, error: null, step: null, totalSteps: null, result: null })
    if (record.planId !== null) this.plans.refreshPlan(record.planId)
    const { job, done } = this.jobs.start(
      {
        kind: 'training',
        title: `Training job ${record.id}: ${record.name}`,
        unit: 'steps',
        subject: { trainingJobId: record.id, ...(record.runId !== null ? { runId: record.runId } : {}), ...(record.planId !== null ? { planId: record.planId } : {}) }
      },
      (context) => this.execute(record.id, context)
    )
    return { jobManagerId: job.id, done }
  }

  /** The adapter a job registered, if any. */
  adapterOfJob(jobId: number): AdapterRecord | null {
    return this.adapters.list().find((adapter) => adapter.trainingJobId === jobId) ?? null
  }

  private async execute(jobId: number, context: JobContext): Promise<void> {
    const record = this.repo.getJob(jobId)
    const files = this.workspace.filesOf(jobId)
    const logPath = record.logPath ?? files.logPath
    this.workspace.appendLog(logPath, `--- ${new Date().toISOString()} workbench: starting ${record.name} (training job ${jobId}) ---`)
    const options = trainingOptionsSchema.parse(record.options ?? {})
    // The facts of the runner's started, data and plan events, kept in the job's result beside the finished event.
    const seen: Record<string, Record<string, unknown>> = {}
    try {
      const finished = await this.runner.train({
        configPath: files.configPath,
        logPath,
        signal: context.signal,
        onEvent: (event) => {
          const facts = this.onRunnerEvent(jobId, event, context, seen)
          if (facts) seen[event.type] = facts
        },
        ...(options.launcher === 'accelerate'
          ? { launcher: { kind: 'accelerate' as const, numProcesses: options.numProcesses, configFile: options.accelerateConfig } }
          : {})
      })
      const adapter = this.registerAdapter(this.repo.getJob(jobId), finished)
      this.repo.updateJob(jobId, {
        status: 'completed',
        step: finished.steps,
        result: { ...seen, finished: resultOf(finished) },
        finishedAt: new Date().toISOString()
      })
      context.log('info', `training job ${jobId} finished: adapter ${adapter.id} (${adapter.ggufPath})`)
      this.events.changed('adapters')
    } catch (error) {
      const cancelled = context.signal.aborted || error instanceof CancelledError
      const message = cancelled && this.closing() ? 'cancelled: the workbench closed while it ran' : serializeError(error).message
      this.repo.updateJob(jobId, { status: cancelled ? 'cancelled' : 'failed', error: message, result: Object.keys(seen).length > 0 ? seen : null, finishedAt: new Date().toISOString() })
      this.workspace.appendLog(logPath, `--- ${new Date().toISOString()} workbench: ${cancelled ? 'cancelled' : 'failed'}: ${message.split('\n')[0]} ---`)
      this.afterJob(jobId)
      throw error
    }
    this.afterJob(jobId)
  }

  /** Stores and forwards one runner event; returns the facts of a `started`, `data` or `plan` event. */
  private onRunnerEvent(
    jobId: number,
    event: RunnerEvent,
    context: JobContext,
    seen: Record<string, Record<string, unknown>>
  ): Record<string, unknown> | null {
    switch (event.type) {
      case 'data': {
        const facts = dataFactsOf(event)
        this.repo.updateJob(jobId, { result: { ...seen, data: facts } })
        if (event.prompts_truncated > 0 || event.dropped > 0) context.log('warn', `training job ${jobId}: ${describeDataFit(facts)}`)
        this.events.changed('training')
        return facts
      }
      case 'plan': {
        const facts = planFactsOf(event)
        this.repo.updateJob(jobId, { result: { ...seen, plan: facts } })
        context.log('info', `training job ${jobId}: ${describePlan(facts)}`)
        return facts
      }
      case 'started': {
        const facts = {
          device: event.device,
          deviceName: event.device_name,
          dtype: event.dtype,
          trainExamples: event.train_examples,
          loraRank: event.lora.r,
          loraAlpha: event.lora.lora_alpha,
          runnerVersion: event.runner_version,
          pid: event.pid
        }
        this.repo.updateJob(jobId, { result: { ...seen, started: facts } })
        context.detail({ device: event.device_name, dtype: event.dtype, examples: event.train_examples })
        this.events.changed('training')
        return facts
      }
      case 'progress':
        this.repo.updateJob(jobId, { step: event.step, totalSteps: event.total_steps, heartbeatAt: new Date().toISOString() })
        context.progress(event.step, event.total_steps)
        if (event.step === 0) this.events.changed('training')
        return null
      case 'metrics': {
        const { type: _type, time: _time, step, ...values } = event
        this.repo.insertMetrics(jobId, step, values)
        this.events.emit({ type: 'training.metrics', jobId, step, values })
        const tokensPerSecond = values['perf/tokens_per_second']
        context.detail({
          loss: values.loss ?? null,
          ...(typeof tokensPerSecond === 'number' ? { tokensPerSecond: Math.round(tokensPerSecond) } : {})
        })
        return null
      }
      case 'checkpoint':
        context.log('info', `training job ${jobId}: checkpoint at step ${event.step} (${event.path})`)
        return null
      default:
        return null
    }
  }

  private registerAdapter(record: TrainingJobRecord, finished: FinishedEvent): AdapterRecord {
    if (!finished.gguf_path || !this.workspace.isFile(finished.gguf_path)) {
      throw new AppError('runner_failed', `the runner finished but wrote no GGUF adapter (expected ${finished.gguf_path ?? `${record.outputDir}/adapter.gguf`})`)
    }
    return this.adapters.register({
      name: `run-${record.runId ?? 'x'}/${record.role}/${record.stage}#${record.id}`,
      role: record.role,
      stage: record.stage,
      baseModelPath: record.baseModelPath,
      ggufPath: finished.gguf_path,
      peftDir: finished.adapter_dir,
      trainingJobId: record.id,
      runId: record.runId
    })
  }

  private afterJob(jobId: number): void {
    this.plans.afterJob(jobId)
    this.events.changed('training')
  }
}

function dataFactsOf(event: DataEvent): TrainingDataFacts {
  return {
    examples: event.examples,
    kept: event.kept,
    maxLength: event.max_length,
    appliedMaxLength: event.applied_max_length,
    longestTokens: event.longest_tokens,
    promptsTruncated: event.prompts_truncated,
    promptTokensRemoved: event.prompt_tokens_removed,
    dropped: event.dropped,
    truncatedLines: event.truncated_lines,
    droppedLines: event.dropped_lines,
    trainExamples: event.train_examples,
    evalExamples: event.eval_examples
  }
}

function planFactsOf(event: PlanEvent): TrainingPlanFacts {
  return {
    effectiveBatchSize: event.effective_batch_size,
    microBatchSize: event.micro_batch_size,
    gradientAccumulationSteps: event.gradient_accumulation_steps,
    gradientCheckpointing: event.gradient_checkpointing,
    worldSize: event.world_size,
    paddingFree: event.padding_free,
    attention: event.attention,
    reason: event.plan_reason
  }
}

function resultOf(finished: FinishedEvent): TrainingResult {
  return {
    steps: finished.steps,
    trainLoss: finished.train_loss,
    trainTokens: finished.train_tokens,
    trainRuntimeSeconds: finished.train_runtime_s,
    tokensPerSecond: finished.tokens_per_second,
    outsideFwdBwdFraction: finished.outside_fwd_bwd_fraction,
    mfu: finished.mfu,
    bestEvalLoss: finished.best_eval_loss,
    bestStep: finished.best_step,
    stoppedEarly: finished.stopped_early,
    loadSeconds: finished.load_seconds,
    exportSeconds: finished.export_seconds,
    totalSeconds: finished.total_seconds
  }
}
