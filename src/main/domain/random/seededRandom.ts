/**
 * Small deterministic randomness for choices that must be reproducible from a seed (question subsets, pair caps,
 * sampling seeds of tree nodes). Not cryptographic.
 */

/** A 32-bit FNV-1a hash of the parts, e.g. `hashSeed(runSeed, questionId, '1.0.2')`. */
export function hashSeed(...parts: readonly (string | number)[]): number {
  let hash = 0x811c9dc5
  for (const part of parts) {
    const text = `${String(part)}\u001f`
    for (let i = 0; i < text.length; i++) {
      hash ^= text.charCodeAt(i)
      hash = Math.imul(hash, 0x01000193)
    }
  }
  return hash >>> 0
}

/** mulberry32: a fast PRNG returning floats in [0, 1). */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A seeded Fisher–Yates shuffle; returns a new array. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = createRandom(seed)
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

/** `count` items drawn without replacement, in their original order. */
export function sampleInOrder<T>(items: readonly T[], count: number, seed: number): T[] {
  if (count >= items.length) return [...items]
  const chosen = new Set(shuffled(items.map((_, index) => index), seed).slice(0, count))
  return items.filter((_, index) => chosen.has(index))
}
