import { create } from 'zustand'
import type { DataFolderEntry, DatasetSummary, ImportDatasetInput, ImportReport } from '@shared/api/schemas/datasets'
import type { AppError } from '@shared/errors'
import { workbench } from '../api/workbench'

interface DatasetsState {
  datasets: DatasetSummary[]
  status: 'idle' | 'loading' | 'ready' | 'error'
  error: string | null
  selectedId: number | null
  dataFolder: { root: string | null; entries: DataFolderEntry[] }
  importing: boolean
  lastReport: ImportReport | null
  importError: AppError | null
  load(): Promise<void>
  select(id: number | null): void
  loadDataFolder(): Promise<void>
  importDataset(input: ImportDatasetInput): Promise<ImportReport | null>
  clearImportResult(): void
}

export const useDatasetsStore = create<DatasetsState>((set, get) => ({
  datasets: [],
  status: 'idle',
  error: null,
  selectedId: null,
  dataFolder: { root: null, entries: [] },
  importing: false,
  lastReport: null,
  importError: null,
  async load() {
    set({ status: get().datasets.length ? 'ready' : 'loading' })
    try {
      const datasets = await workbench.datasets.list()
      const selectedId = get().selectedId
      set({
        datasets,
        status: 'ready',
        error: null,
        selectedId: selectedId !== null && datasets.some((d) => d.id === selectedId) ? selectedId : (datasets[0]?.id ?? null)
      })
    } catch (error) {
      set({ status: 'error', error: (error as Error).message })
    }
  },
  select: (id) => set({ selectedId: id }),
  async loadDataFolder() {
    try {
      set({ dataFolder: await workbench.datasets.dataFolder() })
    } catch {
      set({ dataFolder: { root: null, entries: [] } })
    }
  },
  async importDataset(input) {
    set({ importing: true, importError: null, lastReport: null })
    try {
      const report = await workbench.datasets.import(input)
      set({ importing: false, lastReport: report, selectedId: report.datasetId })
      await get().load()
      return report
    } catch (error) {
      set({ importing: false, importError: error as AppError })
      return null
    }
  },
  clearImportResult: () => set({ lastReport: null, importError: null })
}))
