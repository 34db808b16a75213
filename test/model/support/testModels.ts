import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../../support/paths'

/**
 * The model files the `model` tests run on. They are generated or fetched by `npm run models:test`, not committed;
 * a missing one fails the test with that instruction instead of skipping it.
 */
export const testModels = {
  /** SmolLM2-135M-Instruct, 4-bit: a real instruction model with a ChatML template. */
  smolLM2: join(repoRoot, '.models', 'SmolLM2-135M-Instruct.Q4_1.gguf'),
  /** A 2-layer random llama with SmolLM2's tokenizer and template: milliseconds per generation. */
  tiny: join(repoRoot, '.models', 'tiny', 'tiny-llama.gguf'),
  tinyLoraA: join(repoRoot, '.models', 'tiny', 'tiny-lora-a.gguf'),
  tinyLoraB: join(repoRoot, '.models', 'tiny', 'tiny-lora-b.gguf'),
  /** A LoRA whose general.architecture is qwen2: llama.cpp refuses it on the llama tiny model. */
  tinyLoraForeign: join(repoRoot, '.models', 'tiny', 'tiny-lora-foreign.gguf')
} as const

export function requireModelFile(path: string): string {
  if (!existsSync(path)) throw new Error(`test model ${path} is missing: create it with \`npm run models:test\``)
  return path
}
