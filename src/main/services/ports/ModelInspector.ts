import type { BackendInfoView, ModelFacts } from '@shared/api/schemas/models'

export interface DownloadProgressReport {
  downloadedBytes: number
  totalBytes: number
  bytesPerSecond: number
  etaSeconds: number | null
}

/** What the model manager needs of the inference engine: facts about a model file, the backend, downloads. */
export interface ModelInspector {
  /** Loads (or reuses) the model and describes it; a bad file is an AppError naming it. */
  describe(modelPath: string, signal?: AbortSignal): Promise<ModelFacts>
  backend(): Promise<BackendInfoView>
  download(options: { uri?: string; directory: string; signal?: AbortSignal; onProgress(progress: DownloadProgressReport): void }): Promise<string>
  readonly defaultDownloadUri: string
}
