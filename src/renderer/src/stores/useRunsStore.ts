import type { z } from 'zod'
import { create } from 'zustand'
import type { CreateRunInput, CreditSettings, outcomeFilterSchema, RunSummary } from '@shared/api/schemas/runs'
import type { AppError } from '@shared/errors'
import { workbench } from '../api/workbench'

/** The outcome filters `runs.questions` accepts. */
export type OutcomeFilter = z.infer<typeof outcomeFilterSchema>

/** The paper's credit setting: θ = 0.5, global pooling (expected values), every ✓ × ✗ sibling pair. */
export const defaultCredit: CreditSettings = { threshold: 0.5, pooling: 'global', maxPairsPerParent: null, pairSeed: 0 }

interface RunsState {
  runs: RunSummary[]
  status: 'idle' | 'loading' | 'ready' | 'error'
  error: string | null
  selectedRunId: number | null
  /** The question whose tree is open, and the node whose text is open. */
  selectedQuestionId: number | null
  selectedNodeId: number | null
  filter: OutcomeFilter
  /** Credit assignment for the summary, the tree and exports; recomputed on the service side, nothing regenerated. */
  credit: CreditSettings
  creating: boolean
  createError: AppError | null
  /** Failures of pause/resume, per run. */
  actionErrors: Record<number, AppError>
  /** Runs with a pause or resume request in flight. */
  pending: Record<number, boolean>
  load(): Promise<void>
  selectRun(id: number | null): void
  selectQuestion(id: number | null): void
  selectNode(id: number | null): void
  setFilter(filter: OutcomeFilter): void
  setCredit(credit: Partial<CreditSettings>): void
  createRun(input: CreateRunInput): Promise<RunSummary | null>
  clearCreateError(): void
  pause(runId: number): Promise<void>
  resume(runId: number): Promise<void>
}

export const useRunsStore = create<RunsState>((set, get) => {
  /** Runs a pause or resume, keeping its error on the run so the list can show it. */
  const act = async (runId: number, action: () => Promise<unknown>) => {
    const { [runId]: _dropped, ...otherErrors } = get().actionErrors
    set({ pending: { ...get().pending, [runId]: true }, actionErrors: otherErrors })
    try {
      await action()
    } catch (error) {
      set({ actionErrors: { ...get().actionErrors, [runId]: error as AppError } })
    } finally {
      const { [runId]: _done, ...stillPending } = get().pending
      set({ pending: stillPending })
      await get().load()
    }
  }

  return {
    runs: [],
    status: 'idle',
    error: null,
    selectedRunId: null,
    selectedQuestionId: null,
    selectedNodeId: null,
    filter: 'all',
    credit: defaultCredit,
    creating: false,
    createError: null,
    actionErrors: {},
    pending: {},
    async load() {
      set({ status: get().runs.length ? 'ready' : 'loading' })
      try {
        const runs = await workbench.runs.list()
        const selected = get().selectedRunId
        const keep = selected !== null && runs.some((run) => run.id === selected)
        set({ runs, status: 'ready', error: null })
        if (!keep) get().selectRun(runs[0]?.id ?? null)
      } catch (error) {
        set({ status: 'error', error: (error as Error).message })
      }
    },
    selectRun: (id) => {
      if (id === get().selectedRunId) return
      set({ selectedRunId: id, selectedQuestionId: null, selectedNodeId: null, filter: 'all' })
    },
    selectQuestion: (id) => set({ selectedQuestionId: id, selectedNodeId: null }),
    selectNode: (id) => set({ selectedNodeId: id }),
    setFilter: (filter) => set({ filter }),
    setCredit: (credit) => set({ credit: { ...get().credit, ...credit } }),
    async createRun(input) {
      set({ creating: true, createError: null })
      try {
        const run = await workbench.runs.create(input)
        set({ creating: false })
        await get().load()
        get().selectRun(run.id)
        return run
      } catch (error) {
        set({ creating: false, createError: error as AppError })
        return null
      }
    },
    clearCreateError: () => set({ createError: null }),
    pause: (runId) => act(runId, () => workbench.runs.pause({ runId })),
    resume: (runId) => act(runId, () => workbench.runs.resume({ runId }))
  }
})
