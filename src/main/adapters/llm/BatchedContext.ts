import type { LlamaContext, LlamaContextSequence, Token } from 'node-llama-cpp'
import { AppError } from '@shared/errors'
import type { GeneratedText, StopReason } from '../../domain/agents/types'
import type { LoraAdapter } from './checkLoraAdapter'
import type { LoadedModel } from './LoadedModel'
import {
  assertLlamaInternals,
  createNativeSampler,
  decodeOnSequence,
  sampleToken,
  type NativeSampler,
  type NativeSamplerConfig
} from './llamaInternals'
import { failJob, type Job, type Sample, SlotScheduler } from './SlotScheduler'
import { TokenTextDecoder } from './TokenTextDecoder'

export interface BatchedContextOptions {
  model: LoadedModel
  /** Sequences in the context: how many samples are generated at once. */
  sequences: number
  /** Tokens per sequence (prompt and completion). */
  contextSize: number
  /** Tokens per llama.cpp decode call. */
  batchSize: number
  flashAttention: boolean
  /** LoRA adapters applied to the whole context; empty for the base model. */
  adapters: readonly LoraAdapter[]
  /** Top-k before top-p; 0 leaves it out of the sampler chain. */
  topK: number
  /**
   * The shortest prefix gain worth a KV copy from another sequence. A copy moves the whole per-sequence KV buffer
   * (llama.cpp copies entire streams between sequences), so a gain of a few tokens is cheaper to evaluate.
   */
  minCopyTokens: number
}

export interface BatchedRequest {
  /** The rendered prompt. */
  prompt: readonly Token[]
  seeds: readonly number[]
  temperature: number
  topP: number
  maxTokens: number
  signal?: AbortSignal
  onDelta?: (sampleIndex: number, delta: string) => void
  onSampleDone?: (sampleIndex: number, result: GeneratedText) => void
}

/** Counters since the context was created; they let the benchmarks check prefix sharing and batching. */
export interface BatchedContextStats {
  /** Decode steps (each is one batch of work submitted together; llama.cpp may split a long prefill further). */
  steps: number
  /** Sum over steps of the sequences working in that step. */
  sequenceSteps: number
  /** Prompt tokens in all requests' samples: what would be evaluated with no sharing at all. */
  promptTokens: number
  /** Prompt tokens actually evaluated. */
  evaluatedPromptTokens: number
  /** Tokens sampled (including each sample's first token). */
  generatedTokens: number
  /** KV prefix copies between sequences, and copies llama.cpp refused (the sequence was then refilled). */
  prefixCopies: number
  copyFallbacks: number
}

/**
 * One llama.cpp context (one set of LoRA adapters) and a scheduler that runs every sample on it in lockstep:
 * each step submits one token (or a prompt chunk) per working sequence and waits for all of them, so
 * node-llama-cpp decodes them as one batch. (Left to itself, its dispatcher re-decodes whichever sequences
 * re-queued first and splits 3 concurrent completions into batches of 2 and 1: measured 64 vs 100 tok/s.)
 *
 * This class is the decode and sample loop; which sample gets which sequence, and what prefix it starts from, is
 * SlotScheduler's.
 *
 * Prefix sharing. A request's prompt is evaluated once, on its leader's sequence: all but the last token (reusing
 * the longest prefix any sequence holds), then the last token alone. Every sample of the request draws its first
 * token from those logits with its own sampler, and the siblings copy the leader's KV cells (`llama_memory_seq_cp`),
 * so they evaluate no prompt token at all. Later requests copy the longest prefix from any sequence, busy or idle.
 *
 * Reproducibility. The last prompt token is always evaluated alone, the way every generated token is: with flash
 * attention off, llama.cpp's CPU results for a one-token step did not depend on what else was in the batch, and
 * KV cells did not depend on how a prompt was chunked, but the logits of a token evaluated inside a multi-token
 * chunk differ from a one-token step (by up to 0.6 on SmolLM2, mostly among unlikely tokens). So a sample's text
 * depends only on prompt, seed and sampling options, not on the cache or on concurrent requests. (On GPUs
 * llama.cpp picks kernels by batch size, so this exactness is only established for the CPU backend.)
 */
export class BatchedContext {
  readonly context: LlamaContext
  readonly adapters: readonly LoraAdapter[]
  /** Tokens per sequence, as llama.cpp allocated them. */
  readonly contextSize: number
  readonly stats: BatchedContextStats = {
    steps: 0,
    sequenceSteps: 0,
    promptTokens: 0,
    evaluatedPromptTokens: 0,
    generatedTokens: 0,
    prefixCopies: 0,
    copyFallbacks: 0
  }

  private readonly model: LoadedModel
  private readonly scheduler: SlotScheduler
  private readonly topK: number
  private step = 0
  private running: Promise<void> | null = null
  private disposed = false

  private constructor(options: BatchedContextOptions, context: LlamaContext, sequences: LlamaContextSequence[]) {
    this.model = options.model
    this.context = context
    this.adapters = options.adapters
    this.contextSize = context.contextSize
    this.topK = options.topK
    this.scheduler = new SlotScheduler(
      sequences.map((sequence) => ({ sequence, owner: null, lastUsed: 0, dirty: false })),
      options.minCopyTokens,
      this.stats
    )
  }

  static async create(options: BatchedContextOptions): Promise<BatchedContext> {
    const { model } = options
    let context: LlamaContext
    try {
      context = await model.model.createContext({
        sequences: options.sequences,
        contextSize: options.contextSize,
        batchSize: options.batchSize,
        flashAttention: options.flashAttention,
        // Fail rather than silently shrink the context: prompts sized for the requested size would then fail later.
        failedCreationRemedy: false,
        ...(options.adapters.length > 0
          ? { lora: { adapters: options.adapters.map((adapter) => ({ filePath: adapter.filePath, scale: adapter.scale ?? 1 })) } }
          : {})
      })
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      if (options.adapters.length > 0 && /lora/i.test(message)) {
        const files = options.adapters.map((adapter) => adapter.filePath).join(', ')
        throw new AppError('adapter_mismatch', `llama.cpp refused LoRA adapter ${files}: ${message}`, { file: options.adapters[0]!.filePath }, { cause: error })
      }
      throw new AppError(
        'unavailable',
        `could not create a context of ${options.sequences} sequences × ${options.contextSize} tokens: ${message} ` +
          `(fewer sequences or a smaller context size need less memory)`,
        undefined,
        { cause: error }
      )
    }
    const sequences = Array.from({ length: options.sequences }, () => context.getSequence())
    try {
      assertLlamaInternals(model.model, context, sequences[0]!)
    } catch (error) {
      await context.dispose()
      throw error
    }
    return new BatchedContext(options, context, sequences)
  }

  get sequenceCount(): number {
    return this.scheduler.sequenceCount
  }

  /** Whether requests are queued or running. */
  get busy(): boolean {
    return this.scheduler.busy
  }

  /** Generates `seeds.length` samples of one prompt; see the class comment for how they are scheduled. */
  generate(request: BatchedRequest): Promise<GeneratedText[]> {
    if (this.disposed) return Promise.reject(new AppError('unavailable', 'the agent context has been disposed'))
    const promptLength = request.prompt.length
    if (promptLength === 0) return Promise.reject(new AppError('invalid_input', 'the rendered prompt is empty'))
    if (promptLength >= this.contextSize - 1) {
      return Promise.reject(
        new AppError(
          'invalid_input',
          `the prompt has ${promptLength} tokens but a sequence holds ${this.contextSize}: shorten it or raise contextSize`,
          { field: 'messages' }
        )
      )
    }
    if (request.seeds.length === 0) return Promise.resolve([])

    return new Promise<GeneratedText[]>((resolve, reject) => {
      const onAbort = () => this.abort(job)
      const job: Job = {
        request,
        prompt: request.prompt,
        samples: [],
        results: [],
        startedAt: performance.now(),
        remaining: request.seeds.length,
        admitted: false,
        aborted: false,
        error: null,
        resolve,
        reject,
        detach: () => request.signal?.removeEventListener('abort', onAbort)
      }
      request.seeds.forEach((seed, index) => {
        job.samples.push({
          job,
          index,
          seed,
          state: 'waiting',
          slot: null,
          sampler: null,
          prefillFrom: 0,
          prefillTo: 0,
          pendingToken: null,
          output: [],
          text: '',
          decoder: new TokenTextDecoder(this.model.model),
          evaluatedPromptTokens: 0
        })
      })
      this.stats.promptTokens += promptLength * job.samples.length

      if (request.signal?.aborted || request.maxTokens === 0) {
        for (const sample of job.samples) this.finish(sample, request.signal?.aborted ? 'abort' : 'maxTokens')
        return
      }
      request.signal?.addEventListener('abort', onAbort, { once: true })
      this.scheduler.queue.push(job)
      this.kick()
    })
  }

  /** Resolves when no request is queued or running. */
  async drain(): Promise<void> {
    while (this.busy && this.running) await this.running
  }

  /** Stops: queued and running requests end as aborted (their promises resolve), then the context is freed. */
  async dispose(): Promise<void> {
    if (this.disposed) return
    this.disposed = true
    for (const job of [...this.scheduler.queue, ...this.scheduler.active]) this.abort(job)
    if (this.running) await this.running
    for (const job of [...this.scheduler.queue, ...this.scheduler.active]) for (const sample of job.samples) this.finish(sample, 'abort')
    await this.context.dispose()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose()
  }

  private abort(job: Job): void {
    job.aborted = true
    // Not started: nothing is in flight, so it ends now. Started: the loop ends it after the current step.
    if (!job.admitted) {
      const queued = this.scheduler.queue.indexOf(job)
      if (queued >= 0) this.scheduler.queue.splice(queued, 1)
      for (const sample of job.samples) this.finish(sample, 'abort')
    }
  }

  private kick(): void {
    if (this.running || this.disposed) return
    // `running` is set before the loop starts: a callback inside the loop's first synchronous part may call
    // generate(), and that must not start a second loop.
    let stopped!: () => void
    this.running = new Promise<void>((resolve) => (stopped = resolve))
    void this.loop().finally(() => {
      this.running = null
      stopped()
      if (!this.disposed && this.busy) this.kick()
    })
  }

  private async loop(): Promise<void> {
    let idleRounds = 0
    try {
      while (!this.disposed) {
        this.endAbortedJobs()
        await this.scheduler.admit()
        const working = this.scheduler.workingSamples()
        if (working.length === 0) {
          if (!this.busy) return
          // A request may arrive while admit() settles (a caller reacting to the last result); admit it next round.
          // Twice in a row with nothing to run is a scheduler bug, and must not leave callers waiting forever.
          if (++idleRounds > 1) throw new AppError('internal', 'the agent scheduler stalled with requests waiting and no sequence working')
          continue
        }
        idleRounds = 0
        this.step++
        this.stats.steps++
        this.stats.sequenceSteps += working.length
        // All submissions happen in this one synchronous pass, so node-llama-cpp batches them into one decode.
        await Promise.all(working.map((sample) => this.advance(sample)))
      }
    } catch (error) {
      // A bug here must not leave callers waiting forever.
      for (const job of [...this.scheduler.queue, ...this.scheduler.active]) {
        job.error ??= { value: error }
        this.abort(job)
      }
      this.scheduler.queue.length = 0
      this.endAbortedJobs()
    }
  }

  private endAbortedJobs(): void {
    for (const job of [...this.scheduler.active]) if (job.aborted) for (const sample of job.samples) this.finish(sample, 'abort')
  }

  /** One step of one sample. Errors fail the sample's request, not the others. */
  private async advance(sample: Sample): Promise<void> {
    const job = sample.job
    const slot = sample.slot!
    try {
      switch (sample.state) {
        case 'prefill': {
          const tokens = job.prompt.slice(sample.prefillFrom, sample.prefillTo)
          await decodeOnSequence(slot.sequence, tokens, null)
          this.countPromptTokens(sample, tokens.length)
          // The leader stops one token short of the prompt (see the class comment); a late sibling fills it all.
          sample.state = sample.prefillTo < job.prompt.length ? 'logits' : 'generating'
          return
        }
        case 'logits': {
          const last = job.prompt[job.prompt.length - 1]!
          // The logits stay in the context until this callback's promise settles; the samplers read them in parallel.
          const firstTokens = await decodeOnSequence(slot.sequence, [last], (batchLogitIndex) =>
            Promise.all(
              job.samples.map((each) =>
                each.state === 'done' ? null : (sampleToken(this.context, batchLogitIndex, this.samplerOf(each)) as Promise<Token>)
              )
            )
          )
          this.countPromptTokens(sample, 1)
          job.samples.forEach((each, index) => {
            const token = firstTokens?.[index]
            if (each.state === 'done' || token == null) return
            each.state = each === sample ? 'generating' : 'primed'
            this.accept(each, token)
          })
          return
        }
        case 'generating': {
          // Never let node-llama-cpp shift the context (it would drop the prompt's start): stop at the end.
          if (slot.sequence.nextTokenIndex + 1 > this.contextSize - 1) {
            this.finish(sample, 'maxTokens')
            return
          }
          const next = await decodeOnSequence(slot.sequence, [sample.pendingToken!], (batchLogitIndex) =>
            sampleToken(this.context, batchLogitIndex, this.samplerOf(sample))
          )
          this.accept(sample, next as Token)
          return
        }
        default:
          return
      }
    } catch (error) {
      slot.dirty = true
      job.error ??= { value: error }
      job.aborted = true
    }
  }

  private countPromptTokens(sample: Sample, count: number): void {
    sample.evaluatedPromptTokens += count
    this.stats.evaluatedPromptTokens += count
  }

  private samplerOf(sample: Sample): NativeSampler {
    if (!sample.sampler) {
      const { temperature, topP } = sample.job.request
      const config: NativeSamplerConfig = {
        temperature,
        topP,
        // llama.cpp's dist sampler takes a 32-bit seed.
        seed: Math.floor(Math.abs(sample.seed)) % 2 ** 32,
        ...(this.topK > 0 ? { topK: this.topK } : {})
      }
      sample.sampler = createNativeSampler(this.model.model)
      sample.sampler.applyConfig(config)
    }
    return sample.sampler
  }

  /** Takes a sampled token: ends the sample on a stop token or at maxTokens, else appends it and streams it. */
  private accept(sample: Sample, token: Token): void {
    const model = this.model.model
    if (model.isEogToken(token) || this.model.stopTokens.has(token)) {
      this.finish(sample, model.isEogToken(token) ? 'eos' : 'stopTrigger')
      return
    }
    sample.output.push(token)
    this.stats.generatedTokens++
    this.emit(sample, sample.decoder.push(token))
    if (sample.output.length >= sample.job.request.maxTokens) {
      this.finish(sample, 'maxTokens')
      return
    }
    sample.pendingToken = token
  }

  private emit(sample: Sample, delta: string): void {
    if (delta.length === 0) return
    sample.text += delta
    const { onDelta } = sample.job.request
    if (!onDelta) return
    try {
      onDelta(sample.index, delta)
    } catch (error) {
      failJob(sample.job, error)
    }
  }

  private finish(sample: Sample, stopReason: StopReason): void {
    if (sample.state === 'done') return
    this.emit(sample, sample.decoder.flush())
    sample.state = 'done'
    this.scheduler.release(sample, this.step)
    sample.sampler?.dispose()
    sample.sampler = null

    const job = sample.job
    const result: GeneratedText = {
      text: sample.text,
      stopReason,
      promptTokens: job.prompt.length,
      evaluatedPromptTokens: sample.evaluatedPromptTokens,
      completionTokens: sample.output.length,
      durationMs: performance.now() - job.startedAt
    }
    job.results[sample.index] = result
    job.remaining--
    if (job.request.onSampleDone && !job.error) {
      try {
        job.request.onSampleDone(sample.index, result)
      } catch (error) {
        failJob(job, error)
      }
    }
    if (job.remaining === 0) this.complete(job)
  }

  private complete(job: Job): void {
    job.detach()
    const index = this.scheduler.active.indexOf(job)
    if (index >= 0) this.scheduler.active.splice(index, 1)
    if (job.error) job.reject(job.error.value)
    else job.resolve(job.results)
  }
}

