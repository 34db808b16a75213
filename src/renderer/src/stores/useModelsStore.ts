import { create } from 'zustand'
import type { BackendInfoView, EngineSettings, ModelRecord } from '@shared/api/schemas/models'
import type { AppError } from '@shared/errors'
import { workbench } from '../api/workbench'

interface ModelsState {
  models: ModelRecord[]
  backend: BackendInfoView | null
  engine: EngineSettings | null
  loading: boolean
  adding: boolean
  error: AppError | null
  downloadJobId: string | null
  load(): Promise<void>
  loadBackend(): Promise<void>
  add(path: string): Promise<void>
  setDefault(id: number): Promise<void>
  remove(id: number): Promise<void>
  saveEngine(settings: EngineSettings): Promise<void>
  download(uri?: string): Promise<void>
  clearError(): void
}

export const useModelsStore = create<ModelsState>((set, get) => {
  const attempt = async (work: () => Promise<void>) => {
    set({ error: null })
    try {
      await work()
    } catch (error) {
      set({ error: error as AppError })
    }
  }
  return {
    models: [],
    backend: null,
    engine: null,
    loading: false,
    adding: false,
    error: null,
    downloadJobId: null,
    async load() {
      set({ loading: true })
      await attempt(async () => {
        const [models, engine] = await Promise.all([workbench.models.list(), workbench.models.engineSettings()])
        set({ models, engine })
      })
      set({ loading: false })
    },
    async loadBackend() {
      await attempt(async () => set({ backend: await workbench.models.backend() }))
    },
    async add(path) {
      set({ adding: true })
      await attempt(async () => {
        await workbench.models.add({ path, makeDefault: true })
        await get().load()
      })
      set({ adding: false })
    },
    setDefault: (id) => attempt(async () => void (await workbench.models.setDefault({ id }), await get().load())),
    remove: (id) => attempt(async () => void (await workbench.models.remove({ id }), await get().load())),
    saveEngine: (settings) => attempt(async () => set({ engine: await workbench.models.saveEngineSettings(settings) })),
    download: (uri) =>
      attempt(async () => {
        const started = await workbench.models.download(uri ? { uri } : {})
        set({ downloadJobId: started.jobId })
      }),
    clearError: () => set({ error: null })
  }
})
