import { open, stat } from 'node:fs/promises'
import { GgufInsights, readGgufFileInfo, type GgufFileInfo, type Llama } from 'node-llama-cpp'
import { AppError } from '@shared/errors'
import { ggmlTypeSize } from './llamaInternals'

export interface InspectGgufFileOptions {
  /** Supplies tensor type sizes and the list of architectures this llama.cpp build supports. */
  llama: Llama
  /**
   * What the file must be: a base model, or a LoRA adapter (`general.type = "adapter"`).
   * Defaults to `"model"`.
   */
  kind?: 'model' | 'adapter'
}

export interface InspectedGgufFile {
  filePath: string
  fileSizeBytes: number
  info: GgufFileInfo
}

const ggufMagic = 'GGUF'

/**
 * Reads a GGUF file's header and checks, before llama.cpp sees it, everything that would otherwise surface as
 * llama.cpp's bare "Failed to load model": the file exists, starts with the GGUF magic, is not cut short (an
 * interrupted download is the usual cause), and, for a model, has an architecture this llama.cpp build knows.
 * Each failure is an {@link AppError} whose message names the file.
 *
 * `readGgufFileInfo` alone is not enough: on a file cut inside its header it returns garbage instead of failing,
 * and it never looks at the tensor data, so both lengths are checked against the file size here.
 */
export async function inspectGgufFile(filePath: string, options: InspectGgufFileOptions): Promise<InspectedGgufFile> {
  const kind = options.kind ?? 'model'
  const what = kind === 'model' ? 'model file' : 'LoRA adapter'
  const fileSizeBytes = await sizeOf(filePath, what)

  const magic = await readMagic(filePath, what)
  if (magic !== ggufMagic) {
    throw new AppError(
      'bad_file',
      `${what} ${filePath} is not a GGUF file: it starts with ${JSON.stringify(magic)} instead of "GGUF"`,
      { file: filePath }
    )
  }

  let info: GgufFileInfo
  try {
    info = await readGgufFileInfo(filePath, { sourceType: 'filesystem', logWarnings: false, spliceSplitFiles: false })
  } catch (error) {
    throw new AppError('bad_file', `${what} ${filePath} is a corrupt GGUF file: ${messageOf(error)}`, { file: filePath }, { cause: error })
  }

  const headerEnd = info.infoEndOffset ?? 0
  if (headerEnd > fileSizeBytes) {
    throw new AppError(
      'bad_file',
      `${what} ${filePath} is truncated: its GGUF header alone needs ${headerEnd} bytes but the file has ${fileSizeBytes}`,
      { file: filePath }
    )
  }
  const dataEnd = tensorDataEnd(info, options.llama)
  if (dataEnd > fileSizeBytes) {
    throw new AppError(
      'bad_file',
      `${what} ${filePath} is truncated: its tensors need ${dataEnd} bytes but the file has ${fileSizeBytes} ` +
        `(an interrupted download or copy?)`,
      { file: filePath }
    )
  }

  const type = (info.metadata.general as { type?: unknown } | undefined)?.type
  const architecture = info.metadata.general?.architecture as string | undefined
  if (kind === 'model') {
    if (type === 'adapter') {
      throw new AppError('bad_file', `${filePath} is a LoRA adapter, not a model: load a base model and set the adapter on a role`, {
        file: filePath
      })
    }
    if (!architecture) {
      throw new AppError('bad_file', `model file ${filePath} has no general.architecture: it is not a language model GGUF`, {
        file: filePath
      })
    }
    const insights = await GgufInsights.from(info, options.llama)
    if (!insights.isSupportedByLlamaCpp) {
      throw new AppError(
        'model_load_failed',
        `model file ${filePath} has architecture '${architecture}', which this llama.cpp build (${options.llama.llamaCppRelease.release}) does not support`,
        { file: filePath }
      )
    }
  }
  return { filePath, fileSizeBytes, info }
}

/** The end of the last tensor's data, in bytes from the start of the file (0 when sizes are unknown). */
function tensorDataEnd(info: GgufFileInfo, llama: Llama): number {
  let end = 0
  for (const tensor of info.tensorInfo ?? []) {
    const size = ggmlTypeSize(llama, tensor.ggmlType)
    if (!size) continue
    const elements = tensor.dimensions.reduce<number>((product, dim) => product * Number(dim), 1)
    const bytes = Math.ceil(elements / size.blockSize) * size.typeSize
    end = Math.max(end, Number(tensor.fileOffset) + bytes)
  }
  return end
}

async function sizeOf(filePath: string, what: string): Promise<number> {
  try {
    const stats = await stat(filePath)
    if (!stats.isFile()) throw new AppError('bad_file', `${what} ${filePath} is not a file`, { file: filePath })
    return stats.size
  } catch (error) {
    if (error instanceof AppError) throw error
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new AppError('not_found', `${what} not found: ${filePath}`, { file: filePath })
    }
    throw new AppError('bad_file', `cannot read ${what} ${filePath}: ${messageOf(error)}`, { file: filePath }, { cause: error })
  }
}

async function readMagic(filePath: string, what: string): Promise<string> {
  const handle = await open(filePath, 'r').catch((error: unknown) => {
    throw new AppError('bad_file', `cannot open ${what} ${filePath}: ${messageOf(error)}`, { file: filePath }, { cause: error })
  })
  try {
    const buffer = Buffer.alloc(4)
    const { bytesRead } = await handle.read(buffer, 0, 4, 0)
    return buffer.subarray(0, bytesRead).toString('latin1')
  } finally {
    await handle.close()
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
