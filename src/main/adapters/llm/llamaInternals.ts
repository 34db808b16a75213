import type { Llama, LlamaContext, LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp'
import { AppError } from '@shared/errors'

/**
 * The few node-llama-cpp internals this adapter relies on, typed in one place. They are not in the package's .d.ts
 * (marked `@internal`), so package.json pins node-llama-cpp exactly (3.22.1) and {@link assertLlamaInternals} fails
 * loudly at startup if an upgrade removed one, instead of failing in the middle of a tree search.
 *
 * Why each is needed:
 * - `LlamaContextSequence._decodeTokens`: submit tokens to the context's batch with a callback that runs while the
 *   step's logits are still in the context, so one evaluated prompt can be sampled by several samplers (siblings
 *   then evaluate no prompt token at all). The public `evaluate()` owns its sampler and cannot do that.
 * - `LlamaContextSequence._copyStateFromOtherSequence`: `llama_memory_seq_cp` between sequences (prefix sharing),
 *   and `_contextTokens` to find shared prefixes without copying every sequence's token list.
 * - `AddonContext.sampleToken` and the native `AddonSampler`: one persistent sampler per sample, so a sample's RNG
 *   stream depends only on its seed, not on how its steps were batched.
 * - `getTypeSizeForGgmlType` / `getBlockSizeForGgmlType`: tensor byte sizes, to detect truncated GGUF files.
 */

/** The native sampler (llama.cpp sampler chain plus its RNG). */
export interface NativeSampler {
  applyConfig(config: NativeSamplerConfig): void
  dispose(): void
}

/**
 * What `AddonSampler.applyConfig` reads. A key that is absent removes that stage from the chain, which is how
 * top-k is turned off entirely (node-llama-cpp's own `evaluate()` always adds top-k 40).
 */
export interface NativeSamplerConfig {
  temperature: number
  topP?: number
  topK?: number
  minP?: number
  seed: number
}

type LogitDataMapper = (batchLogitIndex: number, tokenIndex: number) => unknown

interface SequenceInternals {
  _decodeTokens(
    tokens: Token[],
    logits: (true | undefined)[],
    evaluationPriority: number,
    tokenMeter: unknown,
    contextShiftOptions: { size: number; strategy: 'eraseBeginning' },
    logitDataMapper: LogitDataMapper
  ): Promise<unknown[]>
  _copyStateFromOtherSequence(other: LlamaContextSequence, upToTokenIndex: number): Promise<boolean | undefined>
  _contextTokens: Token[]
}

interface ContextInternals {
  _ctx: { sampleToken(batchLogitIndex: number, sampler: NativeSampler): Promise<number> }
}

interface LlamaInternals {
  _bindings: {
    AddonSampler: new (model: unknown) => NativeSampler
    getTypeSizeForGgmlType(ggmlType: number): number | undefined
    getBlockSizeForGgmlType(ggmlType: number): number | undefined
  }
}

interface ModelInternals {
  _model: unknown
}

// The priority node-llama-cpp uses by default (evaluationPriority 5); all our work has the same priority.
const evaluationPriority = 5

/**
 * Evaluates `tokens` on `sequence` as part of the context's next batch. When `withLogits`, `onLogits` runs with the
 * batch index of the last token's logits while they are valid, and its resolved value is returned.
 * The caller guarantees that the sequence never needs a context shift (prompt and completion fit).
 */
export async function decodeOnSequence<T>(
  sequence: LlamaContextSequence,
  tokens: Token[],
  onLogits: ((batchLogitIndex: number) => Promise<T>) | null
): Promise<T | undefined> {
  const logits: (true | undefined)[] = []
  if (onLogits) logits[tokens.length - 1] = true
  const result = await (sequence as unknown as SequenceInternals)._decodeTokens(
    tokens,
    logits,
    evaluationPriority,
    sequence.tokenMeter,
    { size: 1, strategy: 'eraseBeginning' },
    (batchLogitIndex) => onLogits?.(batchLogitIndex)
  )
  return onLogits ? (result[tokens.length - 1] as T) : undefined
}

/**
 * Makes `target` hold the first `upToTokenIndex` tokens of `source` (KV cells and token list). Returns false when
 * node-llama-cpp could not (then `target` must be cleared before use).
 */
export async function copySequencePrefix(
  target: LlamaContextSequence,
  source: LlamaContextSequence,
  upToTokenIndex: number
): Promise<boolean> {
  const copied = await (target as unknown as SequenceInternals)._copyStateFromOtherSequence(source, upToTokenIndex)
  return copied === true
}

/** The tokens a sequence holds, without the copy the public `contextTokens` getter makes. Do not mutate. */
export function sequenceTokens(sequence: LlamaContextSequence): readonly Token[] {
  return (sequence as unknown as SequenceInternals)._contextTokens
}

export function createNativeSampler(model: LlamaModel): NativeSampler {
  const bindings = (model.llama as unknown as LlamaInternals)._bindings
  return new bindings.AddonSampler((model as unknown as ModelInternals)._model)
}

export function sampleToken(context: LlamaContext, batchLogitIndex: number, sampler: NativeSampler): Promise<number> {
  return (context as unknown as ContextInternals)._ctx.sampleToken(batchLogitIndex, sampler)
}

/** Bytes per block and elements per block of a ggml tensor type, or null for a type this binary does not know. */
export function ggmlTypeSize(llama: Llama, ggmlType: number): { typeSize: number; blockSize: number } | null {
  const bindings = (llama as unknown as Partial<LlamaInternals>)._bindings
  const typeSize = bindings?.getTypeSizeForGgmlType?.(ggmlType)
  const blockSize = bindings?.getBlockSizeForGgmlType?.(ggmlType)
  if (typeSize == null || blockSize == null || blockSize <= 0) return null
  return { typeSize, blockSize }
}

/** Throws an `internal` AppError naming the missing internal if this node-llama-cpp is not the one we were built on. */
export function assertLlamaInternals(model: LlamaModel, context: LlamaContext, sequence: LlamaContextSequence): void {
  const missing: string[] = []
  const seq = sequence as unknown as Partial<SequenceInternals>
  if (typeof seq._decodeTokens !== 'function') missing.push('LlamaContextSequence._decodeTokens')
  if (typeof seq._copyStateFromOtherSequence !== 'function') missing.push('LlamaContextSequence._copyStateFromOtherSequence')
  if (!Array.isArray(seq._contextTokens)) missing.push('LlamaContextSequence._contextTokens')
  const ctx = (context as unknown as Partial<ContextInternals>)._ctx
  if (typeof ctx?.sampleToken !== 'function') missing.push('LlamaContext._ctx.sampleToken')
  const bindings = (model.llama as unknown as Partial<LlamaInternals>)._bindings
  if (typeof bindings?.AddonSampler !== 'function') missing.push('AddonSampler binding')
  if ((model as unknown as Partial<ModelInternals>)._model == null) missing.push('LlamaModel._model')
  if (missing.length > 0) {
    throw new AppError(
      'internal',
      `this node-llama-cpp lacks internals the agent runtime needs (${missing.join(', ')}); it was written against 3.22.1`
    )
  }
}
