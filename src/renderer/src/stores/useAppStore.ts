import { create } from 'zustand'
import type { WorkbenchEvent } from '@shared/api/events'
import type { AppInfo } from '@shared/api/schemas/app'
import type { JobSnapshot } from '@shared/api/schemas/jobs'
import type { ConnectionState } from '../api/createWorkbenchClient'

export const pages = [
  { id: 'setup', label: 'Setup', hint: 'model, GPU, training environment' },
  { id: 'datasets', label: 'Datasets', hint: 'import and browse' },
  { id: 'playground', label: 'Prompts & Playground', hint: 'G → V → R live' },
  { id: 'runs', label: 'Runs', hint: 'tree search, explorer, pairs' },
  { id: 'training', label: 'Training', hint: 'SFT and DPO jobs' },
  { id: 'evaluation', label: 'Evaluation', hint: 'baselines, MALT, ablations' },
  { id: 'compare', label: 'Compare', hint: 'trained vs untrained verifier' }
] as const

export type PageId = (typeof pages)[number]['id']

export interface LogEntry {
  time: string
  level: 'debug' | 'info' | 'warn' | 'error'
  source: string
  message: string
}

interface AppState {
  page: PageId
  info: AppInfo | null
  connection: ConnectionState
  jobs: Record<string, JobSnapshot>
  logs: LogEntry[]
  /** Bumped per collection on `store.changed`, so pages reload what changed. */
  revisions: Record<string, number>
  setPage(page: PageId): void
  setInfo(info: AppInfo): void
  setConnection(state: ConnectionState): void
  applyEvent(event: WorkbenchEvent): void
}

const maxLogs = 500

function pageFromHash(): PageId {
  const id = window.location.hash.replace(/^#\/?/, '')
  return pages.some((page) => page.id === id) ? (id as PageId) : 'datasets'
}

export const useAppStore = create<AppState>((set) => ({
  page: pageFromHash(),
  info: null,
  connection: 'connecting',
  jobs: {},
  logs: [],
  revisions: {},
  setPage: (page) => {
    window.location.hash = `/${page}`
    set({ page })
  },
  setInfo: (info) => set({ info }),
  setConnection: (connection) => set({ connection }),
  applyEvent: (event) =>
    set((state) => {
      switch (event.type) {
        case 'job.updated':
          return { jobs: { ...state.jobs, [event.job.id]: event.job } }
        case 'log':
          return { logs: [...state.logs.slice(-(maxLogs - 1)), { time: event.time, level: event.level, source: event.source, message: event.message }] }
        case 'store.changed':
          return { revisions: { ...state.revisions, [event.collection]: (state.revisions[event.collection] ?? 0) + 1 } }
        default:
          // Streams that one page follows itself (playground tokens) do not touch the app state.
          return {}
      }
    })
}))

window.addEventListener('hashchange', () => useAppStore.setState({ page: pageFromHash() }))
