import { LlamaText, SpecialToken, SpecialTokensText, type ChatHistoryItem, type ChatWrapper, type LlamaModel, type Token } from 'node-llama-cpp'
import { AppError } from '@shared/errors'
import type { ChatMessage } from '../../domain/agents/types'

export interface RenderedPrompt {
  /** The prompt exactly as the model reads it, special tokens written out (`<|im_start|>user\n…`). */
  text: string
  tokens: Token[]
}

/**
 * Renders a conversation through the model's chat template and tokenizes it, ending with the header of the
 * assistant turn to generate (`<|im_start|>assistant\n` for ChatML). If the last message is an assistant message,
 * it is left open so generation continues it.
 *
 * Only the messages are rendered: no default system prompt is added. (node-llama-cpp's chat sessions add one, and
 * some GGUF templates do when the first message is not a system message, e.g. SmolLM2's "You are a helpful AI
 * assistant named SmolLM" — transformers' `apply_chat_template` would render that one, so training data for
 * conversations without a system message should use this text, not the template's.)
 *
 * A leading BOS is kept only when the model's tokenizer adds one (`tokenizer.ggml.add_bos_token`): SmolLM2's BOS is
 * `<|im_start|>`, and the ChatML wrapper's BOS would otherwise double it.
 */
export function renderChatPrompt(model: LlamaModel, chatWrapper: ChatWrapper, messages: readonly ChatMessage[]): RenderedPrompt {
  if (messages.length === 0) throw new AppError('invalid_input', 'a prompt needs at least one message', { field: 'messages' })
  const history: ChatHistoryItem[] = messages.map((message) => {
    switch (message.role) {
      case 'system':
        return { type: 'system', text: message.content }
      case 'user':
        return { type: 'user', text: message.content }
      case 'assistant':
        return { type: 'model', response: [message.content] }
      default:
        throw new AppError('invalid_input', `unknown message role '${(message as { role: unknown }).role}'`, { field: 'role' })
    }
  })
  if (messages[messages.length - 1]!.role !== 'assistant') history.push({ type: 'model', response: [] })

  const { contextText } = chatWrapper.generateContextState({ chatHistory: history })
  let values = contextText.values
  const first = values[0]
  if (first instanceof SpecialToken && first.value === 'BOS' && !model.tokens.shouldPrependBosToken) values = values.slice(1)
  const text = new LlamaText(values)

  return { text: textOf(model, text), tokens: text.tokenize(model.tokenizer) }
}

/** The LlamaText as a plain string; builtin special tokens (BOS, EOS, …) as their token text. */
function textOf(model: LlamaModel, text: LlamaText): string {
  return text.values
    .map((value) => {
      if (typeof value === 'string') return value
      if (value instanceof SpecialTokensText) return value.value
      return model.detokenize(value.tokenize(model.tokenizer), true)
    })
    .join('')
}
