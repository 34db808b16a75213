import { type Role, roles } from '@shared/roles'
import { resolve } from 'node:path'
import { AppError } from '@shared/errors'
import { type ChatMessage, type GeneratedText, type GenerationRequest, type LanguageModelPort } from '../../domain/agents/types'
import { BatchedContext, type BatchedContextStats } from './BatchedContext'
import { checkLoraAdapter, type LoraAdapter } from './checkLoraAdapter'
import type { LoadedModel } from './LoadedModel'

export interface LlamaAgentRuntimeOptions {
  model: LoadedModel
  /**
   * Sequences (samples generated at once) per role. A context shared by several roles gets this many per role.
   * On 2 CPU cores SmolLM2-135M reaches its top throughput from 3 concurrent sequences on; the tree search keeps
   * dozens of samples in flight, so more sequences mostly shorten queueing, at the cost of KV memory
   * (contextSize × sequences × per-token KV size per context).
   * Defaults to `9`.
   */
  sequencesPerRole?: number
  /**
   * Tokens per sequence: prompt plus completion. A cross-sequence prefix copy moves this whole buffer, so it is
   * worth keeping near what prompts need.
   * Defaults to `4096`, capped at the model's training context.
   */
  contextSize?: number
  /** Tokens per llama.cpp decode call. Defaults to `512`. */
  batchSize?: number
  /**
   * Flash attention. Off by default because with it llama.cpp's results depend on how a prompt is split into
   * chunks (measured on the CPU: logits differ by up to 0.9), which would make a fixed seed's text depend on the
   * prefix cache; its speed gain on the CPU was within noise. Turn it on for long contexts on a GPU.
   * Defaults to `false`.
   */
  flashAttention?: boolean
  /** Each role's LoRA adapter; a role left out or null uses the base model. Defaults to none. */
  adapters?: Partial<Record<Role, LoraAdapter | null>>
  /**
   * Roles with the same adapters share one context, so their samples are decoded in the same batches (during
   * data generation all three roles are the base model). Turn off to give every role its own context.
   * Defaults to `true`.
   */
  shareContexts?: boolean
  /**
   * Top-k applied before top-p and temperature; 0 samples from the whole vocabulary. 40 is llama.cpp's and
   * node-llama-cpp's default (transformers' is 50); at the paper's temperature of 0.3 the tokens it cuts have
   * negligible probability, and sampling the whole vocabulary costs about 1 ms per sample per token on 2 CPU cores
   * for a 49k vocabulary (the tiny model's throughput halves; 151k for Qwen2.5 costs three times that).
   * Defaults to `40`.
   */
  topK?: number
  /**
   * The shortest prefix gain worth copying KV cells from another sequence instead of evaluating the tokens.
   * Defaults to `8`.
   */
  minCopyTokens?: number
}

export interface RoleContextInfo {
  /** Changes whenever the role gets a new llama.cpp context. */
  contextId: number
  roles: Role[]
  adapters: readonly LoraAdapter[]
  sequences: number
  contextSize: number
  stats: BatchedContextStats
}

const defaultSequencesPerRole = 9
const defaultContextSize = 4096
const defaultBatchSize = 512
const defaultTemperature = 0.3
const defaultTopK = 40

interface ContextEntry {
  id: number
  key: string
  context: BatchedContext
  roles: Set<Role>
}

/**
 * The three MALT role agents on one base model ({@link LanguageModelPort}). Each role has its own LoRA adapter;
 * since llama.cpp applies adapters per context, each distinct adapter set gets its own llama.cpp context
 * ({@link BatchedContext}), and roles with the same adapters share one. Many callers may call {@link generate}
 * at once: requests queue in arrival order and their samples are batched together.
 *
 * Aborting a request (its `signal`) resolves it, never rejects it: every sample returns the text it had, with
 * `stopReason: 'abort'` (also passed to `onSampleDone`). Its sequences are free again after the step in flight.
 */
export class LlamaAgentRuntime implements LanguageModelPort {
  readonly model: LoadedModel
  private readonly options: Required<Omit<LlamaAgentRuntimeOptions, 'adapters' | 'model'>>
  private readonly entries: ContextEntry[] = []
  private readonly roleEntries = new Map<Role, ContextEntry>()
  private readonly roleAdapters = new Map<Role, LoraAdapter | null>()
  /** Contexts no role uses any more, finishing their requests before they are freed. */
  private readonly retiring = new Set<BatchedContext>()
  private nextContextId = 1
  /** Adapter changes run one at a time. */
  private switching: Promise<unknown> = Promise.resolve()
  private disposed = false

  private constructor(model: LoadedModel, options: LlamaAgentRuntime['options']) {
    this.model = model
    this.options = options
  }

  static async create(options: LlamaAgentRuntimeOptions): Promise<LlamaAgentRuntime> {
    const model = options.model
    const resolved: LlamaAgentRuntime['options'] = {
      sequencesPerRole: options.sequencesPerRole ?? defaultSequencesPerRole,
      contextSize: options.contextSize ?? Math.min(defaultContextSize, model.model.trainContextSize),
      batchSize: options.batchSize ?? defaultBatchSize,
      flashAttention: options.flashAttention ?? false,
      shareContexts: options.shareContexts ?? true,
      topK: options.topK ?? defaultTopK,
      minCopyTokens: options.minCopyTokens ?? 8
    }
    for (const field of ['sequencesPerRole', 'contextSize', 'batchSize'] as const) {
      if (!Number.isInteger(resolved[field]) || resolved[field] < 1) {
        throw new AppError('invalid_input', `${field} must be a positive integer, got ${resolved[field]}`, { field })
      }
    }
    const runtime = new LlamaAgentRuntime(model, resolved)
    try {
      const groups = new Map<string, { adapter: LoraAdapter | null; roles: Role[] }>()
      for (const role of roles) {
        const adapter = normalizeAdapter(options.adapters?.[role] ?? null)
        if (adapter) await checkLoraAdapter(model, adapter)
        runtime.roleAdapters.set(role, adapter)
        const key = resolved.shareContexts ? adapterKey(adapter) : `${adapterKey(adapter)}#${role}`
        const group = groups.get(key) ?? { adapter, roles: [] }
        group.roles.push(role)
        groups.set(key, group)
      }
      for (const [key, group] of groups) {
        const entry = await runtime.createEntry(key, group.adapter, group.roles.length)
        for (const role of group.roles) runtime.bind(role, entry)
      }
    } catch (error) {
      await runtime.dispose()
      throw error
    }
    return runtime
  }

  /**
   * Generates `seeds.length` samples of the request's prompt on the role's context. Sampling defaults: temperature
   * 0.3 (the paper's), top-p 1, top-k from the runtime options. Seeds are used modulo 2^32. As in llama.cpp, top-k
   * and top-p cut the distribution before the temperature is applied (transformers applies it first; the same when
   * top-p is 1).
   */
  async generate(request: GenerationRequest): Promise<GeneratedText[]> {
    this.ensureNotDisposed()
    const { sampling } = request
    const temperature = sampling.temperature ?? defaultTemperature
    const topP = sampling.topP ?? 1
    if (!(temperature >= 0)) throw new AppError('invalid_input', `temperature must be ≥ 0, got ${temperature}`, { field: 'temperature' })
    if (!(topP > 0 && topP <= 1)) throw new AppError('invalid_input', `topP must be in (0, 1], got ${topP}`, { field: 'topP' })
    if (!Number.isInteger(sampling.maxTokens) || sampling.maxTokens < 0) {
      throw new AppError('invalid_input', `maxTokens must be a non-negative integer, got ${sampling.maxTokens}`, { field: 'maxTokens' })
    }
    if (request.seeds.some((seed) => !Number.isFinite(seed))) throw new AppError('invalid_input', 'seeds must be finite numbers', { field: 'seeds' })
    const entry = this.roleEntries.get(request.role)
    if (!entry) throw new AppError('invalid_input', `unknown role '${request.role}'`, { field: 'role' })

    const prompt = this.model.renderPrompt(request.messages)
    return entry.context.generate({
      prompt: prompt.tokens,
      seeds: request.seeds,
      temperature,
      topP,
      maxTokens: sampling.maxTokens,
      ...(request.signal ? { signal: request.signal } : {}),
      ...(request.onDelta ? { onDelta: request.onDelta } : {}),
      ...(request.onSampleDone ? { onSampleDone: request.onSampleDone } : {})
    })
  }

  /** The prompt text the model reads for these messages, and its length in tokens (see {@link renderChatPrompt}). */
  renderPrompt(messages: readonly ChatMessage[]): { text: string; tokenCount: number } {
    const { text, tokens } = this.model.renderPrompt(messages)
    return { text, tokenCount: tokens.length }
  }

  adapterOf(role: Role): LoraAdapter | null {
    return this.roleAdapters.get(role) ?? null
  }

  /**
   * Gives the role a LoRA adapter (null: the base model). Only that role moves: to the context of another role with
   * the same adapters, or to a new one. Requests already running finish on the old context, which is disposed once
   * no role uses it and it is idle. A LoRA for another base model is refused with `adapter_mismatch`.
   */
  setAdapter(role: Role, adapter: LoraAdapter | null): Promise<void> {
    const change = this.switching.then(() => this.applyAdapter(role, normalizeAdapter(adapter)))
    this.switching = change.catch(() => undefined)
    return change
  }

  /** Which context serves the role, with its counters. */
  contextInfo(role: Role): RoleContextInfo {
    const entry = this.roleEntries.get(role)
    if (!entry) throw new AppError('invalid_input', `unknown role '${role}'`, { field: 'role' })
    return {
      contextId: entry.id,
      roles: roles.filter((each) => entry.roles.has(each)),
      adapters: entry.context.adapters,
      sequences: entry.context.sequenceCount,
      contextSize: entry.context.contextSize,
      stats: { ...entry.context.stats }
    }
  }

  /** Ends every request (as aborted) and frees all contexts. The model itself belongs to the caller. */
  async dispose(): Promise<void> {
    if (this.disposed) return
    this.disposed = true
    await this.switching
    await Promise.all([...this.entries.map((entry) => entry.context), ...this.retiring].map((context) => context.dispose()))
    this.retiring.clear()
    this.entries.length = 0
    this.roleEntries.clear()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose()
  }

  private async applyAdapter(role: Role, adapter: LoraAdapter | null): Promise<void> {
    this.ensureNotDisposed()
    if (adapter) await checkLoraAdapter(this.model, adapter)
    const current = this.roleEntries.get(role)
    const key = this.options.shareContexts ? adapterKey(adapter) : `${adapterKey(adapter)}#${role}`
    if (current && current.key === key) {
      this.roleAdapters.set(role, adapter)
      return
    }
    const target = this.entries.find((entry) => entry.key === key) ?? (await this.createEntry(key, adapter, 1))
    this.roleAdapters.set(role, adapter)
    this.bind(role, target)
    if (current && current.roles.size === 0) {
      this.entries.splice(this.entries.indexOf(current), 1)
      // Let requests already on it finish before freeing it; the caller need not wait for that.
      const retired = current.context
      this.retiring.add(retired)
      void retired
        .drain()
        .then(() => retired.dispose())
        .finally(() => this.retiring.delete(retired))
    }
  }

  private async createEntry(key: string, adapter: LoraAdapter | null, roleCount: number): Promise<ContextEntry> {
    const context = await BatchedContext.create({
      model: this.model,
      sequences: this.options.sequencesPerRole * roleCount,
      contextSize: this.options.contextSize,
      batchSize: this.options.batchSize,
      flashAttention: this.options.flashAttention,
      adapters: adapter ? [adapter] : [],
      topK: this.options.topK,
      minCopyTokens: this.options.minCopyTokens
    })
    const entry: ContextEntry = { id: this.nextContextId++, key, context, roles: new Set() }
    this.entries.push(entry)
    return entry
  }

  private bind(role: Role, entry: ContextEntry): void {
    this.roleEntries.get(role)?.roles.delete(role)
    entry.roles.add(role)
    this.roleEntries.set(role, entry)
  }

  private ensureNotDisposed(): void {
    if (this.disposed) throw new AppError('unavailable', 'the agent runtime has been disposed')
  }
}

function normalizeAdapter(adapter: LoraAdapter | null): LoraAdapter | null {
  return adapter ? { filePath: resolve(adapter.filePath), scale: adapter.scale ?? 1 } : null
}

function adapterKey(adapter: LoraAdapter | null): string {
  return adapter ? `${adapter.filePath}@${adapter.scale ?? 1}` : 'base'
}
