import { create } from 'zustand'
import type { WorkbenchEvent } from '@shared/api/events'
import type {
  EnqueuePresetInput,
  EnqueueTrainingInput,
  TrainingAdapterView,
  TrainingJobView,
  TrainingMetrics,
  TrainingPlanView
} from '@shared/api/schemas/training'
import type { AppError } from '@shared/errors'
import { workbench } from '../api/workbench'

interface TrainingState {
  jobs: TrainingJobView[]
  plans: TrainingPlanView[]
  adapters: TrainingAdapterView[]
  status: 'idle' | 'loading' | 'ready' | 'error'
  error: string | null
  selectedJobId: number | null
  /** The selected job's curves: the stored history, then live `training.metrics` events appended. */
  metrics: TrainingMetrics | null
  queueing: boolean
  queueError: AppError | null
  actionError: AppError | null
  load(): Promise<void>
  selectJob(id: number | null): void
  loadMetrics(): Promise<void>
  applyEvent(event: WorkbenchEvent): void
  enqueue(input: EnqueueTrainingInput): Promise<boolean>
  enqueuePreset(input: EnqueuePresetInput): Promise<boolean>
  cancel(target: { jobId: number } | { planId: number }): Promise<void>
  start(target: { jobId: number } | { planId: number }): Promise<void>
}

export const useTrainingStore = create<TrainingState>((set, get) => {
  const act = async (action: () => Promise<unknown>) => {
    set({ actionError: null })
    try {
      await action()
    } catch (error) {
      set({ actionError: error as AppError })
    } finally {
      await get().load()
    }
  }

  return {
    jobs: [],
    plans: [],
    adapters: [],
    status: 'idle',
    error: null,
    selectedJobId: null,
    metrics: null,
    queueing: false,
    queueError: null,
    actionError: null,
    async load() {
      set({ status: get().jobs.length ? 'ready' : 'loading' })
      try {
        const [jobs, plans, adapters] = await Promise.all([workbench.training.jobs(), workbench.training.plans(), workbench.training.adapters()])
        set({ jobs, plans, adapters, status: 'ready', error: null })
        const selected = get().selectedJobId
        // Follow the job that runs now, else keep the selection, else show the newest.
        if (selected === null || !jobs.some((job) => job.id === selected)) get().selectJob(jobs.find((job) => job.status === 'running')?.id ?? jobs[0]?.id ?? null)
      } catch (error) {
        set({ status: 'error', error: (error as Error).message })
      }
    },
    selectJob(id) {
      if (id === get().selectedJobId) return
      set({ selectedJobId: id, metrics: null })
      void get().loadMetrics()
    },
    async loadMetrics() {
      const id = get().selectedJobId
      if (id === null) return
      try {
        const metrics = await workbench.training.metrics({ jobId: id })
        if (get().selectedJobId === id) set({ metrics })
      } catch {
        // the job list shows the error of a job; an unreadable history just leaves the chart empty
      }
    },
    applyEvent(event) {
      if (event.type !== 'training.metrics') return
      const { metrics, selectedJobId } = get()
      if (event.jobId !== selectedJobId) return
      const current = metrics ?? { jobId: event.jobId, names: [], points: [] }
      if (current.points.some((point) => point.step === event.step)) return
      const names = [...new Set([...current.names, ...Object.keys(event.values)])].sort()
      set({ metrics: { jobId: event.jobId, names, points: [...current.points, { step: event.step, values: event.values }] } })
    },
    async enqueue(input) {
      set({ queueing: true, queueError: null })
      try {
        const job = await workbench.training.enqueue(input)
        set({ queueing: false })
        await get().load()
        get().selectJob(job.id)
        return true
      } catch (error) {
        set({ queueing: false, queueError: error as AppError })
        return false
      }
    },
    async enqueuePreset(input) {
      set({ queueing: true, queueError: null })
      try {
        const plan = await workbench.training.enqueuePreset(input)
        set({ queueing: false })
        await get().load()
        if (plan.jobs[0]) get().selectJob(plan.jobs[0].id)
        return true
      } catch (error) {
        set({ queueing: false, queueError: error as AppError })
        return false
      }
    },
    cancel: (target) => act(() => workbench.training.cancel(target)),
    start: (target) => act(() => workbench.training.start(target))
  }
})
