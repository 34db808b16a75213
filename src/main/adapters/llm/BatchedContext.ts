import type { LlamaContext, LlamaContextSequence, Token } from 'node-llama-cpp'
import { AppError } from '@shared/errors'
import type { GeneratedText, StopReason } from '../../domain/agents/types'
import type { LoraAdapter } from './checkLoraAdapter'
import type { LoadedModel } from './LoadedModel'
import {
  assertLlamaInternals,
  copySequencePrefix,
  createNativeSampler,
  decodeOnSequence,
  sampleToken,
  sequenceTokens,
  type NativeSampler,
  type NativeSamplerConfig
} from './llamaInternals'
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

type SampleState =
  | 'waiting' // not started; may hold a reserved sequence
  | 'prefill' // its sequence is being filled with the prompt (all but the last token for the leader)
  | 'logits' // the leader evaluates the last prompt token; every sample of the request samples its first token
  | 'primed' // has its first token; needs a sequence holding the whole prompt
  | 'generating'
  | 'done'

interface Slot {
  readonly sequence: LlamaContextSequence
  owner: Sample | null
  /** Step at which it was last released, for least-recently-used reuse. */
  lastUsed: number
  /** A decode failed on it: its state is unknown until it is cleared. */
  dirty: boolean
}

interface Sample {
  readonly job: Job
  readonly index: number
  readonly seed: number
  state: SampleState
  slot: Slot | null
  sampler: NativeSampler | null
  prefillFrom: number
  prefillTo: number
  /** Sampled and part of the output, not yet evaluated. */
  pendingToken: Token | null
  readonly output: Token[]
  text: string
  readonly decoder: TokenTextDecoder
  evaluatedPromptTokens: number
}

interface Job {
  readonly request: BatchedRequest
  readonly prompt: readonly Token[]
  readonly samples: Sample[]
  readonly results: GeneratedText[]
  readonly startedAt: number
  remaining: number
  admitted: boolean
  aborted: boolean
  error: { value: unknown } | null
  readonly resolve: (results: GeneratedText[]) => void
  readonly reject: (error: unknown) => void
  readonly detach: () => void
}

/**
 * One llama.cpp context (one set of LoRA adapters) and a scheduler that runs every sample on it in lockstep:
 * each step submits one token (or a prompt chunk) per working sequence and waits for all of them, so
 * node-llama-cpp decodes them as one batch. (Left to itself, its dispatcher re-decodes whichever sequences
 * re-queued first and splits 3 concurrent completions into batches of 2 and 1: measured 64 vs 100 tok/s.)
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
  private readonly slots: Slot[]
  private readonly topK: number
  private readonly minCopyTokens: number
  private readonly queue: Job[] = []
  private readonly active: Job[] = []
  private step = 0
  private running: Promise<void> | null = null
  private disposed = false

  private constructor(options: BatchedContextOptions, context: LlamaContext, sequences: LlamaContextSequence[]) {
    this.model = options.model
    this.context = context
    this.adapters = options.adapters
    this.contextSize = context.contextSize
    this.topK = options.topK
    this.minCopyTokens = options.minCopyTokens
    this.slots = sequences.map((sequence) => ({ sequence, owner: null, lastUsed: 0, dirty: false }))
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
    return this.slots.length
  }

  /** Whether requests are queued or running. */
  get busy(): boolean {
    return this.queue.length > 0 || this.active.length > 0
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
      this.queue.push(job)
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
    for (const job of [...this.queue, ...this.active]) this.abort(job)
    if (this.running) await this.running
    for (const job of [...this.queue, ...this.active]) for (const sample of job.samples) this.finish(sample, 'abort')
    await this.context.dispose()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose()
  }

  private abort(job: Job): void {
    job.aborted = true
    // Not started: nothing is in flight, so it ends now. Started: the loop ends it after the current step.
    if (!job.admitted) {
      const queued = this.queue.indexOf(job)
      if (queued >= 0) this.queue.splice(queued, 1)
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
        await this.admit()
        const working = this.workingSamples()
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
      for (const job of [...this.queue, ...this.active]) {
        job.error ??= { value: error }
        this.abort(job)
      }
      this.queue.length = 0
      this.endAbortedJobs()
    }
  }

  private workingSamples(): Sample[] {
    const working: Sample[] = []
    for (const job of this.active) {
      for (const sample of job.samples) {
        if (sample.slot && (sample.state === 'prefill' || sample.state === 'logits' || sample.state === 'generating')) working.push(sample)
      }
    }
    return working
  }

  private endAbortedJobs(): void {
    for (const job of [...this.active]) if (job.aborted) for (const sample of job.samples) this.finish(sample, 'abort')
  }

  /**
   * Between steps (nothing in flight, every sequence's token list matches its KV cells): gives free sequences to
   * waiting work, oldest request first, and fills them with the longest prefix available.
   */
  private async admit(): Promise<void> {
    for (const slot of this.slots) {
      if (slot.dirty && !slot.owner) {
        await slot.sequence.clearHistory()
        slot.dirty = false
      }
    }

    // Started requests first: their primed samples continue from the whole prompt. Samples holding a reserved
    // sequence always go; the others take free sequences in request order, and when none is left, no new
    // request starts either.
    let blocked = false
    for (const job of [...this.active]) {
      for (const sample of job.samples) {
        if (sample.state !== 'primed') continue
        const slot = sample.slot ?? (blocked ? null : this.takeFreeSlot(job.prompt, job.prompt.length))
        if (!slot) {
          blocked = true
          continue
        }
        this.assign(sample, slot)
        await this.place(sample, job.prompt.length)
      }
    }
    if (blocked) return

    for (let index = 0; index < this.queue.length; ) {
      const job = this.queue[index]!
      // Requests arriving together often share a prefix no sequence holds yet (two questions' system prompt, a
      // generation's verifier prompt under two critiques): wait one step and copy it instead of evaluating it twice.
      if (this.prefixBeingEvaluated(job.prompt)) {
        index++
        continue
      }
      const leaderSlot = this.takeFreeSlot(job.prompt, job.prompt.length - 1)
      if (!leaderSlot) return
      this.queue.splice(index, 1)
      this.active.push(job)
      job.admitted = true
      const leader = job.samples[0]!
      this.assign(leader, leaderSlot)
      // Reserve sequences for the siblings now, so they start with the leader rather than behind later requests.
      for (const sibling of job.samples.slice(1)) {
        const slot = this.takeFreeSlot(null, 0)
        if (!slot) break
        this.assign(sibling, slot)
      }
      // The leader stops one token short of the prompt: the last one is evaluated alone (see the class comment).
      await this.place(leader, job.prompt.length - 1)
    }
  }

  /**
   * Whether a sample now prefilling will hold a prefix of `prompt` at least `minCopyTokens` longer than any sequence
   * holds now. A request deferred for it waits one step (the prefill is one step), so this cannot stall: the loop
   * has that sample to run.
   */
  private prefixBeingEvaluated(prompt: readonly Token[]): boolean {
    const limit = prompt.length - 1
    let coming = 0
    for (const job of this.active) {
      for (const sample of job.samples) {
        if (sample.state === 'prefill') coming = Math.max(coming, commonPrefixLength(job.prompt, prompt, Math.min(limit, sample.prefillTo)))
      }
    }
    if (coming < this.minCopyTokens) return false
    let held = 0
    for (const slot of this.slots) {
      if (!slot.dirty) held = Math.max(held, commonPrefixLength(sequenceTokens(slot.sequence), prompt, limit))
    }
    return coming - held >= this.minCopyTokens
  }

  /** Fills the sample's sequence with the prompt's first `target` tokens, as far as a prefix is available. */
  private async place(sample: Sample, target: number): Promise<void> {
    const slot = sample.slot!
    try {
      const held = await this.placePrefix(slot, sample.job.prompt, target)
      sample.prefillFrom = held
      sample.prefillTo = target
      if (held < target) sample.state = 'prefill'
      else sample.state = target < sample.job.prompt.length ? 'logits' : 'generating'
    } catch (error) {
      slot.dirty = true
      this.failJob(sample.job, error)
    }
  }

  private assign(sample: Sample, slot: Slot): void {
    sample.slot = slot
    slot.owner = sample
  }

  /** A free sequence: the one holding the longest prefix of `prompt` (up to `limit`), else the least recently used. */
  private takeFreeSlot(prompt: readonly Token[] | null, limit: number): Slot | null {
    let best: Slot | null = null
    let bestLength = -1
    for (const slot of this.slots) {
      if (slot.owner || slot.dirty) continue
      const length = prompt ? commonPrefixLength(sequenceTokens(slot.sequence), prompt, limit) : 0
      if (length > bestLength || (length === bestLength && best !== null && slot.lastUsed < best.lastUsed)) {
        best = slot
        bestLength = length
      }
    }
    return best
  }

  /**
   * Makes `slot` hold the longest available prefix of `prompt[0, limit)`: its own, or a longer one copied from any
   * other sequence. Returns how many prompt tokens it holds.
   */
  private async placePrefix(slot: Slot, prompt: readonly Token[], limit: number): Promise<number> {
    const own = commonPrefixLength(sequenceTokens(slot.sequence), prompt, limit)
    let best = own
    let source: Slot | null = null
    for (const other of this.slots) {
      if (other === slot || other.dirty) continue
      const length = commonPrefixLength(sequenceTokens(other.sequence), prompt, limit)
      if (length > best) {
        best = length
        source = other
      }
    }
    if (source && best - own >= this.minCopyTokens) {
      if (await copySequencePrefix(slot.sequence, source.sequence, best)) {
        this.stats.prefixCopies++
        return best
      }
      this.stats.copyFallbacks++
      await slot.sequence.clearHistory()
      return 0
    }
    const sequence = slot.sequence
    if (sequence.nextTokenIndex > own) await sequence.eraseContextTokenRanges([{ start: own, end: sequence.nextTokenIndex }])
    return own
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
      this.failJob(sample.job, error)
    }
  }

  private failJob(job: Job, error: unknown): void {
    job.error ??= { value: error }
    job.aborted = true
  }

  private finish(sample: Sample, stopReason: StopReason): void {
    if (sample.state === 'done') return
    this.emit(sample, sample.decoder.flush())
    sample.state = 'done'
    if (sample.slot) {
      sample.slot.owner = null
      sample.slot.lastUsed = this.step
      sample.slot = null
    }
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
        this.failJob(job, error)
      }
    }
    if (job.remaining === 0) this.complete(job)
  }

  private complete(job: Job): void {
    job.detach()
    const index = this.active.indexOf(job)
    if (index >= 0) this.active.splice(index, 1)
    if (job.error) job.reject(job.error.value)
    else job.resolve(job.results)
  }
}

function commonPrefixLength(held: readonly Token[], prompt: readonly Token[], limit: number): number {
  const end = Math.min(held.length, limit)
  let length = 0
  while (length < end && held[length] === prompt[length]) length++
  return length
}
