import { basename } from 'node:path'
import { GgufFileType, resolveChatWrapper, type ChatWrapper, type LlamaModel, type Token } from 'node-llama-cpp'
import type { ChatMessage } from '../../domain/agents/types'
import type { InspectedGgufFile } from './inspectGgufFile'
import type { BackendInfo } from './LlamaEngine'
import { renderChatPrompt, type RenderedPrompt } from './renderChatPrompt'

/** What the Setup page shows about a loaded model. */
export interface ModelDescription {
  filePath: string
  fileName: string
  fileSizeBytes: number
  /** `general.name`, when the file has one. */
  name: string | null
  /** `general.architecture`, e.g. "llama", "qwen2". */
  architecture: string
  /** Counted from the tensor shapes. */
  parameterCount: number
  /** The GGUF file type, e.g. "MOSTLY_Q4_K_M"; null when the file does not say. */
  quantization: string | null
  /** The context length the model was trained with. */
  contextLength: number
  layerCount: number | null
  embeddingLength: number | null
  vocabularySize: number
  chatTemplate: {
    /** Whether the GGUF carries `tokenizer.chat_template`. */
    present: boolean
    /** The node-llama-cpp chat wrapper prompts are rendered with, e.g. "ChatML" or "JinjaTemplate". */
    wrapper: string
  }
  backend: BackendInfo & {
    /** Layers offloaded to the GPU (0 on the CPU). */
    gpuLayers: number
    /** Layers that can be offloaded: the blocks and the output layer. */
    totalLayers: number
  }
}

/**
 * A loaded base model: the llama.cpp model, its chat template, and facts about it. Contexts (and LoRA adapters)
 * are created on top of it by {@link LlamaAgentRuntime}.
 */
export class LoadedModel {
  readonly model: LlamaModel
  readonly filePath: string
  readonly chatWrapper: ChatWrapper
  /**
   * Tokens that end a turn besides the model's end-of-generation tokens: EOS, EOT and the chat wrapper's
   * single-special-token stop triggers (e.g. `<|im_end|>` when a model does not mark it as end-of-generation).
   */
  readonly stopTokens: ReadonlySet<Token>
  private readonly inspected: InspectedGgufFile
  private readonly backend: BackendInfo
  private readonly onDispose: () => void
  private disposed = false

  private constructor(model: LlamaModel, inspected: InspectedGgufFile, backend: BackendInfo, onDispose: () => void) {
    this.model = model
    this.filePath = inspected.filePath
    this.inspected = inspected
    this.backend = backend
    this.onDispose = onDispose
    this.chatWrapper = resolveChatWrapper(model)
    this.stopTokens = stopTokensOf(model, this.chatWrapper)
  }

  /** @internal Use {@link LlamaEngine.loadModel}. */
  static _create(model: LlamaModel, inspected: InspectedGgufFile, backend: BackendInfo, onDispose: () => void): LoadedModel {
    return new LoadedModel(model, inspected, backend, onDispose)
  }

  describe(): ModelDescription {
    const info = this.inspected.info
    const general = info.metadata.general
    const architectureMetadata = info.architectureMetadata as { block_count?: unknown; embedding_length?: unknown }
    const fileType = general?.file_type
    return {
      filePath: this.filePath,
      fileName: basename(this.filePath),
      fileSizeBytes: this.inspected.fileSizeBytes,
      name: typeof general?.name === 'string' ? general.name : null,
      architecture: String(general?.architecture),
      parameterCount: this.model.fileInsights.totalParameters,
      quantization: typeof fileType === 'number' ? (GgufFileType[fileType] ?? `file type ${fileType}`) : null,
      contextLength: this.model.trainContextSize,
      layerCount: typeof architectureMetadata.block_count === 'number' ? architectureMetadata.block_count : null,
      embeddingLength: typeof architectureMetadata.embedding_length === 'number' ? architectureMetadata.embedding_length : null,
      vocabularySize: countVocabulary(this.model),
      chatTemplate: {
        present: typeof info.metadata.tokenizer?.chat_template === 'string' && info.metadata.tokenizer.chat_template.trim() !== '',
        wrapper: this.chatWrapper.wrapperName
      },
      backend: { ...this.backend, gpuLayers: this.model.gpuLayers, totalLayers: this.model.fileInsights.totalLayers }
    }
  }

  /** The prompt text and tokens for a conversation (see {@link renderChatPrompt}). */
  renderPrompt(messages: readonly ChatMessage[]): RenderedPrompt {
    return renderChatPrompt(this.model, this.chatWrapper, messages)
  }

  get isDisposed(): boolean {
    return this.disposed
  }

  /** Disposes the model (and with it every context and LoRA adapter made from it). */
  async dispose(): Promise<void> {
    if (this.disposed) return
    this.disposed = true
    this.onDispose()
    await this.model.dispose()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose()
  }
}

function countVocabulary(model: LlamaModel): number {
  const tokens = model.fileInfo.metadata.tokenizer?.ggml?.tokens
  return Array.isArray(tokens) ? tokens.length : 0
}

function stopTokensOf(model: LlamaModel, chatWrapper: ChatWrapper): Set<Token> {
  const stop = new Set<Token>()
  for (const token of [model.tokens.eos, model.tokens.eot]) if (token != null) stop.add(token)
  const { stopGenerationTriggers } = chatWrapper.generateContextState({ chatHistory: [{ type: 'model', response: [] }] })
  for (const trigger of stopGenerationTriggers) {
    // Only triggers made of special tokens: a plain-text trigger that happens to be one token ("User") would cut
    // answers that merely contain the word.
    if (trigger.values.some((value) => typeof value === 'string')) continue
    const tokens = trigger.tokenize(model.tokenizer)
    if (tokens.length === 1) stop.add(tokens[0]!)
  }
  return stop
}
