import { copyFileSync, openSync, readSync, closeSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '@shared/errors'
import { LlamaEngine } from '../../src/main/adapters/llm/LlamaEngine'
import { makeTempDir } from '../support/paths'
import { requireModelFile, testModels } from './support/testModels'
import { writeGgufFile } from './support/writeGgufFile'

/** Loading: the file checks that turn llama.cpp's bare "Failed to load model" into errors naming the file. */

let engine: LlamaEngine
const temp = makeTempDir('malt-model-files-')

beforeAll(async () => {
  requireModelFile(testModels.tiny)
  engine = await LlamaEngine.create({ gpu: false, maxThreads: 1 })
})

afterAll(async () => {
  await engine?.dispose()
  temp.cleanup()
})

async function loadError(path: string): Promise<AppError> {
  const error = await engine.loadModel({ modelPath: path }).then(
    () => null,
    (caught: unknown) => caught
  )
  expect(error).toBeInstanceOf(AppError)
  return error as AppError
}

function writePrefixOf(source: string, target: string, bytes: number): void {
  const buffer = Buffer.alloc(bytes)
  const fd = openSync(source, 'r')
  readSync(fd, buffer, 0, bytes, 0)
  closeSync(fd)
  writeFileSync(target, buffer)
}

describe('LlamaEngine', () => {
  it('starts on the CPU with the thread count it was given', () => {
    expect(engine.backend.gpu).toBeNull()
    expect(engine.backend.cpuThreads).toBe(1)
    expect(engine.llama.maxThreads).toBe(1)
    expect(engine.backend.gpuFallbackReason).toBeNull()
    expect(engine.backend.vramTotalBytes).toBeNull()
  })

  it('reports a missing file as not_found, naming it', async () => {
    const path = join(temp.dir, 'nowhere.gguf')
    const error = await loadError(path)
    expect(error.code).toBe('not_found')
    expect(error.message).toContain(path)
  })

  it('reports a file that is not a GGUF as bad_file, naming it', async () => {
    const path = join(temp.dir, 'notes.gguf')
    writeFileSync(path, '{"this": "is json"}\n')
    const error = await loadError(path)
    expect(error.code).toBe('bad_file')
    expect(error.message).toContain(path)
    expect(error.message).toMatch(/not a GGUF file/)
  })

  it('reports a GGUF cut inside its tensor data as truncated', async () => {
    const path = join(temp.dir, 'cut-data.gguf')
    writePrefixOf(testModels.tiny, path, Math.floor(statSync(testModels.tiny).size * 0.6))
    const error = await loadError(path)
    expect(error.code).toBe('bad_file')
    expect(error.message).toContain(path)
    expect(error.message).toMatch(/truncated/)
  })

  it('reports a GGUF cut inside its header as truncated', async () => {
    const path = join(temp.dir, 'cut-header.gguf')
    writePrefixOf(testModels.tiny, path, 1000)
    const error = await loadError(path)
    expect(error.code).toBe('bad_file')
    expect(error.message).toContain(path)
    expect(error.message).toMatch(/truncated/)
  })

  it('reports an architecture llama.cpp does not know as model_load_failed', async () => {
    const path = join(temp.dir, 'alien.gguf')
    writeGgufFile(path, { 'general.architecture': 'malt-alien', 'general.name': 'alien' }, [{ name: 'token_embd.weight', dims: [8, 4] }])
    const error = await loadError(path)
    expect(error.code).toBe('model_load_failed')
    expect(error.message).toContain(path)
    expect(error.message).toContain("'malt-alien'")
  })

  it('refuses a LoRA adapter where a model is expected', async () => {
    const error = await loadError(requireModelFile(testModels.tinyLoraA))
    expect(error.code).toBe('bad_file')
    expect(error.message).toMatch(/is a LoRA adapter, not a model/)
  })

  it('loads an intact copy of a file whose truncated copies were refused', async () => {
    const path = join(temp.dir, 'intact.gguf')
    copyFileSync(testModels.tiny, path)
    const model = await engine.loadModel({ modelPath: path })
    expect(model.describe().fileSizeBytes).toBe(statSync(testModels.tiny).size)
    await model.dispose()
  })

  it('describes a model for the Setup page', async () => {
    const model = await engine.loadModel({ modelPath: testModels.tiny })
    const description = model.describe()
    // The tiny model's geometry (scripts/make_tiny_llama.py): 2 layers, width 64, 4 heads / 2 KV heads, FFN 128.
    const vocabulary = 49152
    const perLayer = 2 * 64 + 64 * 64 + 32 * 64 + 32 * 64 + 64 * 64 + 3 * 128 * 64
    expect(description).toMatchObject({
      fileName: 'tiny-llama.gguf',
      architecture: 'llama',
      name: 'malt-tiny-llama',
      quantization: 'ALL_F32',
      contextLength: 4096,
      layerCount: 2,
      embeddingLength: 64,
      vocabularySize: vocabulary,
      parameterCount: 2 * vocabulary * 64 + 2 * perLayer + 64,
      chatTemplate: { present: true, wrapper: 'ChatML' },
      // node-llama-cpp counts the output layer as one more layer it could offload.
      backend: { gpu: null, gpuDeviceNames: [], cpuThreads: 1, gpuLayers: 0, totalLayers: 3, vramTotalBytes: null }
    })
    expect(description.fileSizeBytes).toBe(statSync(testModels.tiny).size)
    await model.dispose()
  })
})
