import type { BackendInfoView, ModelFacts } from '@shared/api/schemas/models'
import type { DownloadProgressReport, ModelInspector } from '../../services/ports/ModelInspector'
import { defaultModelUri, downloadModel } from './downloadModel'
import type { LlamaAgentHost } from './LlamaAgentHost'

/** Model facts and downloads through the same host the agents use, so describing a model also warms it up. */
export class LlamaModelInspector implements ModelInspector {
  readonly defaultDownloadUri = defaultModelUri

  constructor(private readonly host: () => Promise<LlamaAgentHost>) {}

  async describe(modelPath: string, signal?: AbortSignal): Promise<ModelFacts> {
    const model = await (await this.host()).loadedModel(modelPath, signal)
    return model.describe()
  }

  async backend(): Promise<BackendInfoView> {
    return (await this.host()).engineInfo()
  }

  download(options: { uri?: string; directory: string; signal?: AbortSignal; onProgress(progress: DownloadProgressReport): void }): Promise<string> {
    return downloadModel({
      ...(options.uri ? { modelUri: options.uri } : {}),
      directory: options.directory,
      onProgress: options.onProgress,
      ...(options.signal ? { signal: options.signal } : {})
    })
  }
}
