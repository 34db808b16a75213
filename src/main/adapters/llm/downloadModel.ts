import { createModelDownloader, type ModelDownloader } from 'node-llama-cpp'
import { AppError } from '@shared/errors'
import { CancelledError } from '@shared/errors/CancelledError'

/** The paper's small model (MALT uses Qwen2.5-1.5B-Instruct among its base models), 4-bit. */
export const defaultModelUri = 'hf:Qwen/Qwen2.5-1.5B-Instruct-GGUF:Q4_K_M'

export interface DownloadProgress {
  downloadedBytes: number
  /** 0 until the server has said how big the file is. */
  totalBytes: number
  /** Average since the download started. */
  bytesPerSecond: number
  /** Null while the speed is unknown. */
  etaSeconds: number | null
}

export interface DownloadModelOptions {
  /** `hf:<user>/<repo>:<quant>`, `hf:<user>/<repo>/<file>` or an https URL. Defaults to {@link defaultModelUri}. */
  modelUri?: string
  /** Where the GGUF is saved. */
  directory: string
  onProgress?: (progress: DownloadProgress) => void
  signal?: AbortSignal
  /**
   * Give up when the hub does not answer, or no byte arrives, for this long: without it a blocked network makes the
   * first-run download hang instead of failing.
   * Defaults to `30_000` ms.
   */
  stallTimeoutMs?: number
  /** The Hugging Face endpoint. Defaults to node-llama-cpp's (`HF_ENDPOINT`, else https://huggingface.co/). */
  huggingFaceEndpoint?: string
}

const defaultStallTimeoutMs = 30_000

/**
 * Downloads a model (first run) with node-llama-cpp's downloader and returns the local GGUF path. An existing
 * complete file is not downloaded again.
 *
 * Fails with `unavailable` (naming the model) when the hub cannot be reached or stalls, and with `cancelled` when
 * `signal` aborts; the partial file is deleted in both cases.
 */
export async function downloadModel(options: DownloadModelOptions): Promise<string> {
  const modelUri = options.modelUri ?? defaultModelUri
  const stallTimeoutMs = options.stallTimeoutMs ?? defaultStallTimeoutMs
  const controller = new AbortController()
  const stalled = new Error(`no answer for ${stallTimeoutMs} ms`)
  let stallTimer: NodeJS.Timeout | undefined
  const armStallTimer = () => {
    clearTimeout(stallTimer)
    stallTimer = setTimeout(() => controller.abort(stalled), stallTimeoutMs)
  }
  const onOuterAbort = () => controller.abort(options.signal?.reason)
  if (options.signal?.aborted) throw new CancelledError(`the download of ${modelUri} was cancelled`)
  options.signal?.addEventListener('abort', onOuterAbort, { once: true })

  const startedAt = performance.now()
  let downloader: ModelDownloader | null = null
  try {
    armStallTimer()
    // Resolving an `hf:` URI fetches a manifest, and createModelDownloader takes no signal: race it against ours.
    const creating = createModelDownloader({
      modelUri,
      dirPath: options.directory,
      showCliProgress: false,
      deleteTempFileOnCancel: true,
      skipExisting: true,
      ...(options.huggingFaceEndpoint ? { endpoints: { huggingFace: options.huggingFaceEndpoint } } : {}),
      onProgress: ({ totalSize, downloadedSize }) => {
        armStallTimer()
        const seconds = (performance.now() - startedAt) / 1000
        const bytesPerSecond = seconds > 0 ? downloadedSize / seconds : 0
        options.onProgress?.({
          downloadedBytes: downloadedSize,
          totalBytes: totalSize,
          bytesPerSecond,
          etaSeconds: bytesPerSecond > 0 && totalSize > 0 ? Math.max(0, totalSize - downloadedSize) / bytesPerSecond : null
        })
      }
    })
    // If we stop waiting, a downloader created later must not start anything.
    creating.then((late) => (controller.signal.aborted ? late.cancel() : undefined)).catch(() => undefined)
    downloader = await abortable(creating, controller.signal)
    armStallTimer()
    return await downloader.download({ signal: controller.signal })
  } catch (error) {
    if (options.signal?.aborted) {
      throw new CancelledError(`the download of ${modelUri} was cancelled`, false, { cause: error })
    }
    const reason = controller.signal.aborted && controller.signal.reason === stalled ? stalled.message : messageOf(error)
    throw new AppError('unavailable', `cannot download ${modelUri}: ${reason}`, undefined, { cause: error })
  } finally {
    clearTimeout(stallTimer)
    options.signal?.removeEventListener('abort', onOuterAbort)
    if (controller.signal.aborted) await downloader?.cancel().catch(() => undefined)
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      }
    )
  })
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
