import type { LlamaModel, Token } from 'node-llama-cpp'

// How many already-emitted tokens are given to the detokenizer as context: SentencePiece vocabularies decide
// whether a piece starts with a space from the tokens before it.
const contextTokens = 8

/**
 * Turns a stream of generated tokens into text deltas. A token can end inside a multi-byte UTF-8 character
 * (byte-level BPE), so text that still ends in U+FFFD is held back until the next token completes it;
 * {@link flush} releases whatever is left at the end. The deltas concatenate to the detokenized whole.
 */
export class TokenTextDecoder {
  private readonly model: LlamaModel
  /** The last few emitted tokens (context for the next piece). */
  private emitted: Token[] = []
  private pending: Token[] = []

  constructor(model: LlamaModel) {
    this.model = model
  }

  /** Adds a token and returns the text it completes ('' while a character is incomplete). */
  push(token: Token): string {
    this.pending.push(token)
    const text = this.decodePending()
    if (text.endsWith('\uFFFD')) return ''
    this.commit()
    return text
  }

  /** The text of the tokens still held back (possibly ending in U+FFFD). */
  flush(): string {
    if (this.pending.length === 0) return ''
    const text = this.decodePending()
    this.commit()
    return text
  }

  private decodePending(): string {
    return this.model.detokenize(this.pending, false, this.emitted)
  }

  private commit(): void {
    this.emitted = [...this.emitted, ...this.pending].slice(-contextTokens)
    this.pending = []
  }
}
