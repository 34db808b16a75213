import type { LlamaContextSequence, Token } from 'node-llama-cpp'
import type { GeneratedText } from '../../domain/agents/types'
import type { BatchedContextStats, BatchedRequest } from './BatchedContext'
import { copySequencePrefix, sequenceTokens, type NativeSampler } from './llamaInternals'
import type { TokenTextDecoder } from './TokenTextDecoder'

export type SampleState =
  | 'waiting' // not started; may hold a reserved sequence
  | 'prefill' // its sequence is being filled with the prompt (all but the last token for the leader)
  | 'logits' // the leader evaluates the last prompt token; every sample of the request samples its first token
  | 'primed' // has its first token; needs a sequence holding the whole prompt
  | 'generating'
  | 'done'

export interface Slot {
  readonly sequence: LlamaContextSequence
  owner: Sample | null
  /** Step at which it was last released, for least-recently-used reuse. */
  lastUsed: number
  /** A decode failed on it: its state is unknown until it is cleared. */
  dirty: boolean
}

export interface Sample {
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

export interface Job {
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
 * The slot and prefix scheduler of a BatchedContext: which sample works on which sequence, and what each sequence
 * already holds. Between decode steps it hands free sequences to waiting work (started requests first, then queued
 * ones in order), reserves the siblings' sequences with their leader's, defers a request whose prefix another sample
 * is evaluating right now, and fills a sequence with the longest prompt prefix any sequence holds (its own, or a copy
 * of another's KV cells). Decoding and sampling are BatchedContext's.
 */
export class SlotScheduler {
  /** Requests not started yet, oldest first. */
  readonly queue: Job[] = []
  /** Started requests. */
  readonly active: Job[] = []

  constructor(
    private readonly slots: readonly Slot[],
    /** The shortest prefix gain worth a KV copy (see BatchedContextOptions.minCopyTokens). */
    private readonly minCopyTokens: number,
    private readonly stats: Pick<BatchedContextStats, 'prefixCopies' | 'copyFallbacks'>
  ) {}

  get sequenceCount(): number {
    return this.slots.length
  }

  /** Whether requests are queued or running. */
  get busy(): boolean {
    return this.queue.length > 0 || this.active.length > 0
  }

  /** Samples that have a sequence and something to evaluate in the next step. */
  workingSamples(): Sample[] {
    const working: Sample[] = []
    for (const job of this.active) {
      for (const sample of job.samples) {
        if (sample.slot && (sample.state === 'prefill' || sample.state === 'logits' || sample.state === 'generating')) working.push(sample)
      }
    }
    return working
  }

  /** Gives a finished sample's sequence back, marked as used at `step` (least-recently-used reuse). */
  release(sample: Sample, step: number): void {
    if (!sample.slot) return
    sample.slot.owner = null
    sample.slot.lastUsed = step
    sample.slot = null
  }

  /**
   * Between steps (nothing in flight, every sequence's token list matches its KV cells): gives free sequences to
   * waiting work, oldest request first, and fills them with the longest prefix available.
   */
  async admit(): Promise<void> {
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
      failJob(sample.job, error)
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
}

/** Marks a request failed: its first error is kept and it ends after the current step. */
export function failJob(job: Job, error: unknown): void {
  job.error ??= { value: error }
  job.aborted = true
}

export function commonPrefixLength(held: readonly Token[], prompt: readonly Token[], limit: number): number {
  const end = Math.min(held.length, limit)
  let length = 0
  while (length < end && held[length] === prompt[length]) length++
  return length
}
