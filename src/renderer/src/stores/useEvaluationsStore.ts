import { create } from 'zustand'
import type { CreateEvaluationInput, EvaluationView } from '@shared/api/schemas/evaluations'
import type { AppError } from '@shared/errors'
import { workbench } from '../api/workbench'

interface EvaluationsState {
  evaluations: EvaluationView[]
  status: 'idle' | 'loading' | 'ready' | 'error'
  error: string | null
  selectedId: number | null
  creating: boolean
  createError: AppError | null
  /** Failures of pause/resume/remove, per evaluation. */
  actionErrors: Record<number, AppError>
  /** Evaluations with a pause, resume or remove request in flight. */
  pending: Record<number, boolean>
  load(): Promise<void>
  select(id: number | null): void
  create(input: CreateEvaluationInput): Promise<EvaluationView | null>
  clearCreateError(): void
  pause(evaluationId: number): Promise<void>
  resume(evaluationId: number): Promise<void>
  remove(evaluationId: number): Promise<void>
}

export const useEvaluationsStore = create<EvaluationsState>((set, get) => {
  // Loads overlap (a store.changed event arrives while create reloads): only the newest one's answer is applied, so
  // a list fetched before a creation cannot drop the new evaluation's selection.
  let latestLoad = 0

  /** Runs an action on one evaluation, keeping its error on that evaluation so its row can show it. */
  const act = async (evaluationId: number, action: () => Promise<unknown>) => {
    const { [evaluationId]: _dropped, ...otherErrors } = get().actionErrors
    set({ pending: { ...get().pending, [evaluationId]: true }, actionErrors: otherErrors })
    try {
      await action()
    } catch (error) {
      set({ actionErrors: { ...get().actionErrors, [evaluationId]: error as AppError } })
    } finally {
      const { [evaluationId]: _done, ...stillPending } = get().pending
      set({ pending: stillPending })
      await get().load()
    }
  }

  return {
    evaluations: [],
    status: 'idle',
    error: null,
    selectedId: null,
    creating: false,
    createError: null,
    actionErrors: {},
    pending: {},
    async load() {
      const mine = ++latestLoad
      set({ status: get().evaluations.length ? 'ready' : 'loading' })
      try {
        const evaluations = await workbench.evaluations.list()
        if (mine !== latestLoad) return
        const selected = get().selectedId
        const keep = selected !== null && evaluations.some((evaluation) => evaluation.id === selected)
        set({ evaluations, status: 'ready', error: null })
        if (!keep) get().select(evaluations[0]?.id ?? null)
      } catch (error) {
        if (mine === latestLoad) set({ status: 'error', error: (error as Error).message })
      }
    },
    select: (id) => {
      if (id !== get().selectedId) set({ selectedId: id })
    },
    async create(input) {
      set({ creating: true, createError: null })
      try {
        const evaluation = await workbench.evaluations.create(input)
        set({ creating: false })
        await get().load()
        get().select(evaluation.id)
        return evaluation
      } catch (error) {
        set({ creating: false, createError: error as AppError })
        return null
      }
    },
    clearCreateError: () => set({ createError: null }),
    pause: (evaluationId) => act(evaluationId, () => workbench.evaluations.pause({ evaluationId })),
    resume: (evaluationId) => act(evaluationId, () => workbench.evaluations.resume({ evaluationId })),
    remove: (evaluationId) => act(evaluationId, () => workbench.evaluations.remove({ evaluationId }))
  }
})
