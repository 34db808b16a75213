import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { batchedBenchArgs, parseBatchedBenchOutput, runLlamaBatchedBench, type BatchedBenchOptions } from '../../bench/_llamaBatchedBench'

// Captured: llama-batched-bench built from node-llama-cpp's llama.cpp source (as scripts/gpu-check.sh builds it, CPU
// only), on the tiny test model, stdout and stderr together, as runLlamaBatchedBench reads them.
const captured = readFileSync(join(import.meta.dirname, 'fixtures', 'llama-batched-bench-tiny-cpu.txt'), 'utf8')
const scratch = mkdtempSync(join(tmpdir(), 'malt-batched-bench-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

const options: BatchedBenchOptions = {
  binary: 'llama-batched-bench',
  modelPath: '/models/m.gguf',
  promptTokens: 64,
  generatedTokens: 16,
  sequences: [1, 2],
  gpuLayers: 0,
  flashAttention: false,
  threads: 1,
  sharedPrompt: true
}

/** A stand-in for the binary (the process boundary): prints `output` whatever it is asked. */
function standIn(name: string, output: string, exitCode = 0): string {
  const path = join(scratch, name)
  writeFileSync(`${path}.out`, output)
  writeFileSync(path, `#!/bin/sh\ncat "${path}.out"\nexit ${exitCode}\n`)
  chmodSync(path, 0o755)
  return path
}

describe('llama-batched-bench', () => {
  it('reads its JSON-line results and skips its log lines', () => {
    const rows = parseBatchedBenchOutput(captured)
    expect(rows.map((row) => [row.promptTokens, row.generatedTokens, row.sequences, row.gpuLayers, row.flashAttention])).toEqual([
      [64, 16, 1, 0, 0],
      [64, 16, 2, 0, 0]
    ])
    expect(rows[1]!.generationTokensPerSecond).toBeCloseTo(391.935913, 5)
    expect(rows[0]!.generationSeconds).toBeCloseTo(0.080305, 6)
  })

  it('asks for a context just big enough for the largest row, on the GPU or not, with or without flash attention', () => {
    const args = batchedBenchArgs({ ...options, sequences: [1, 3, 27], gpuLayers: 99, flashAttention: true })
    const value = (flag: string) => args[args.indexOf(flag) + 1]
    expect(value('-c')).toBe(String(27 * 256))
    expect(value('-npl')).toBe('1,3,27')
    expect(value('-ngl')).toBe('99')
    expect(value('-fa')).toBe('on')
    expect(value('--output-format')).toBe('jsonl')
    expect(args).toContain('-pps')
    const separate = batchedBenchArgs({ ...options, promptTokens: 300, generatedTokens: 100, sequences: [2], sharedPrompt: false })
    expect(separate).not.toContain('-pps')
    expect(separate[separate.indexOf('-c') + 1]).toBe(String(2 * 512))
  })

  it('runs the binary and returns a row per number of sequences', async () => {
    const rows = await runLlamaBatchedBench({ ...options, binary: standIn('ok', captured) })
    expect(rows.map((row) => row.sequences)).toEqual([1, 2])
  })

  it('fails, saying which, when a row is missing (llama-batched-bench skips rows that do not fit its context)', async () => {
    await expect(runLlamaBatchedBench({ ...options, sequences: [1, 2, 4], binary: standIn('short', captured) })).rejects.toThrow(/no row for 4 sequences/)
  })

  it('fails with the end of its output when it exits with an error', async () => {
    await expect(runLlamaBatchedBench({ ...options, binary: standIn('broken', 'main: error: unable to load model\n', 1) })).rejects.toThrow(
      /exited with code 1:\nmain: error: unable to load model/
    )
  })
})
