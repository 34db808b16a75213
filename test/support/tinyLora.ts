import { writeGgufFile, type GgufTensorSpec } from '../model/support/writeGgufFile'

/**
 * A third LoRA for the tiny model (scripts/make_tiny_llama.py makes two): rank 4 on attn_q, attn_v, ffn_up and
 * ffn_down of both layers, with values of the same spread as the script's (±0.5), from a seeded generator.
 */
export function writeTinyLora(path: string, seed: number): void {
  const rank = 4
  // numpy (out, in) of the tiny model's weights: width 64, 2 KV heads of 16, ffn 128.
  const shapes: Record<string, [number, number]> = { attn_q: [64, 64], attn_v: [32, 64], ffn_up: [128, 64], ffn_down: [64, 128] }
  const tensors: GgufTensorSpec[] = []
  for (const layer of [0, 1]) {
    for (const [name, [out, input]] of Object.entries(shapes)) {
      // ggml order is numpy's reversed: lora_a (rank, in) → [in, rank], lora_b (out, rank) → [rank, out].
      tensors.push({ name: `blk.${layer}.${name}.weight.lora_a`, dims: [input, rank] })
      tensors.push({ name: `blk.${layer}.${name}.weight.lora_b`, dims: [rank, out] })
    }
  }
  let state = seed >>> 0 || 1
  const next = () => {
    // xorshift32, mapped to (-0.5, 0.5) and widened to about the script's standard deviation.
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return ((state >>> 0) / 2 ** 32 - 0.5) * 1.7
  }
  writeGgufFile(
    path,
    { 'general.architecture': 'llama', 'general.type': 'adapter', 'adapter.type': 'lora', 'adapter.lora.alpha': { f32: 8 } },
    tensors,
    () => next()
  )
}
