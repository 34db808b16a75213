/**
 * The bare node-llama-cpp decode both engine baselines use (`bench agents`, `bench tree`): each sequence evaluates
 * its input and keeps sampling until it has `maxTokens` tokens. In lockstep, a sequence that has a new token waits
 * until every running sequence has one, so each llama.cpp step decodes all of them in one batch, which is the shape
 * of the engine's ceiling.
 */
import type { LlamaContextSequence, Token } from 'node-llama-cpp'

type EvaluateOptions = NonNullable<Parameters<LlamaContextSequence['evaluate']>[1]>

export interface DecodeSequencesOptions {
  /** Tokens to generate per sequence. */
  maxTokens: number
  lockstep: boolean
  /** The input each sequence evaluates before sampling. */
  inputOf(index: number): Token[]
  /** Sampling options per sequence (temperature, seed, …). */
  samplingOf(index: number): EvaluateOptions
}

/** Decodes every sequence concurrently; returns the tokens each generated. */
export async function decodeSequences(sequences: readonly LlamaContextSequence[], options: DecodeSequencesOptions): Promise<number[]> {
  const barrier = lockstepBarrier(sequences.length)
  return await Promise.all(
    sequences.map(async (sequence, index) => {
      let count = 0
      const iterator = sequence.evaluate(options.inputOf(index), options.samplingOf(index))
      try {
        let step = await iterator.next()
        while (!step.done) {
          if (++count >= options.maxTokens) break
          if (options.lockstep) await barrier.arrive()
          step = await iterator.next()
        }
      } finally {
        barrier.leave()
        await iterator.return(undefined)
      }
      return count
    })
  )
}

/** Releases the waiting sequences once every sequence still running has arrived; a finished one leaves for good. */
function lockstepBarrier(count: number): { arrive(): Promise<void>; leave(): void } {
  let running = count
  let waiting: (() => void)[] = []
  const release = () => {
    if (waiting.length > 0 && waiting.length >= running) {
      const ready = waiting
      waiting = []
      for (const go of ready) go()
    }
  }
  return {
    arrive: () =>
      new Promise<void>((resolve) => {
        waiting.push(resolve)
        release()
      }),
    leave: () => {
      running--
      release()
    }
  }
}
