import type { Role } from '@shared/roles'

/**
 * The vocabulary of the three MALT role agents (paper §4.1): what they are asked and what comes back (the roles
 * themselves are `@shared/roles`). Pure types: the tree search, the evaluation and the playground are written against
 * these, and the node-llama-cpp adapter implements {@link LanguageModelPort}.
 */

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant'
  content: string
}

export interface SamplingOptions {
  /** Defaults to 0.3, the paper's temperature (App. A.9). */
  temperature: number
  /** Nucleus sampling; 1 turns it off. */
  topP: number
  /** The most tokens one completion may have. */
  maxTokens: number
}

export interface GenerationRequest {
  role: Role
  /** The whole conversation, system prompt first; rendered through the model's own chat template. */
  messages: ChatMessage[]
  /**
   * One seed per sample: the request yields `seeds.length` completions of the same prompt. Seeds are chosen
   * by the caller (from the run seed and the node's place in the tree) so results do not depend on scheduling.
   */
  seeds: number[]
  sampling: SamplingOptions
  signal?: AbortSignal
  /** Streams each sample's text as it grows. */
  onDelta?: (sampleIndex: number, delta: string) => void
  /**
   * Called as soon as one sample is complete, before its siblings finish, so callers can store it at once and start
   * work that depends on it (the tree search expands a node's children without waiting for the node's siblings).
   */
  onSampleDone?: (sampleIndex: number, result: GeneratedText) => void
}

export type StopReason = 'eos' | 'maxTokens' | 'abort' | 'stopTrigger'

export interface GeneratedText {
  text: string
  stopReason: StopReason
  /** Tokens in the rendered prompt. */
  promptTokens: number
  /** Prompt tokens this sample actually evaluated (0 when its prefix was copied from a sibling or cached). */
  evaluatedPromptTokens: number
  completionTokens: number
  /** Wall time from the request's start to this sample's last token. */
  durationMs: number
}

/** What the domain needs of a language model: one context per role, batched sampling. */
export interface LanguageModelPort {
  generate(request: GenerationRequest): Promise<GeneratedText[]>
}
