import { create } from 'zustand'
import type { WorkbenchEvent } from '@shared/api/events'
import type { Benchmark } from '@shared/api/schemas/common'
import type { PlaygroundRunInput, PlaygroundSession } from '@shared/api/schemas/playground'
import type { PromptTemplateRecord } from '@shared/api/schemas/prompts'
import type { AppError } from '@shared/errors'
import { workbench } from '../api/workbench'
import type { AnswerExtractionView } from '@shared/api/schemas/common'

export type Role = 'generator' | 'verifier' | 'refiner'
export type Lane = 'main' | 'compare'
export const roleOrder: Role[] = ['generator', 'verifier', 'refiner']

export interface PaneState {
  text: string
  status: 'idle' | 'running' | 'done' | 'failed'
  answer: string | null
  correct: boolean | null
  /** Where the grader read the answer in `text`, and why its verdict (absent in sessions stored before). */
  extraction?: AnswerExtractionView | null
  gradeReason?: string | null
  error?: string
}

export interface TemplateDraft {
  system: string
  user: string
  /** The stored version this draft started from (null: edited since). */
  baseVersionId: number | null
}

export interface QuestionDraft {
  text: string
  gold: string
  choices: string[]
  questionId?: number
}

const emptyPane = (): PaneState => ({ text: '', status: 'idle', answer: null, correct: null })
const emptyPanes = (): Record<Lane, Record<Role, PaneState>> => ({
  main: { generator: emptyPane(), verifier: emptyPane(), refiner: emptyPane() },
  compare: { generator: emptyPane(), verifier: emptyPane(), refiner: emptyPane() }
})

interface PlaygroundState {
  benchmark: Benchmark
  question: QuestionDraft
  templates: Record<Role, TemplateDraft>
  versions: PromptTemplateRecord[]
  adapters: Record<Role, number | null>
  compare: { enabled: boolean; adapterId: number | null }
  emptyVerification: boolean
  sampling: { temperature: number; topP: number; maxTokens: number }
  seed: number
  panes: Record<Lane, Record<Role, PaneState>>
  sessionId: string | null
  running: boolean
  error: AppError | null
  history: PlaygroundSession[]
  setBenchmark(benchmark: Benchmark): Promise<void>
  setQuestion(question: QuestionDraft): void
  editTemplate(role: Role, patch: Partial<Pick<TemplateDraft, 'system' | 'user'>>): void
  useVersion(record: PromptTemplateRecord): void
  saveTemplate(role: Role, note?: string): Promise<void>
  setAdapter(role: Role, id: number | null): void
  setCompare(compare: { enabled: boolean; adapterId: number | null }): void
  setEmptyVerification(value: boolean): void
  setSampling(patch: Partial<PlaygroundState['sampling']>): void
  setSeed(seed: number): void
  run(startAt?: Role): Promise<void>
  cancel(): Promise<void>
  loadHistory(): Promise<void>
  restore(session: PlaygroundSession): void
  applyEvent(event: WorkbenchEvent): void
}

export const usePlaygroundStore = create<PlaygroundState>((set, get) => ({
  benchmark: 'gsm8k',
  question: { text: '', gold: '', choices: [] },
  templates: {
    generator: { system: '', user: '', baseVersionId: null },
    verifier: { system: '', user: '', baseVersionId: null },
    refiner: { system: '', user: '', baseVersionId: null }
  },
  versions: [],
  adapters: { generator: null, verifier: null, refiner: null },
  compare: { enabled: false, adapterId: null },
  emptyVerification: false,
  sampling: { temperature: 0.3, topP: 1, maxTokens: 512 },
  seed: 0,
  panes: emptyPanes(),
  sessionId: null,
  running: false,
  error: null,
  history: [],

  async setBenchmark(benchmark) {
    const versions = await workbench.prompts.list({ benchmark })
    const latest = (role: Role) => versions.find((version) => version.role === role)
    const draft = (role: Role): TemplateDraft => {
      const record = latest(role)
      return { system: record?.system ?? '', user: record?.user ?? '', baseVersionId: record?.id ?? null }
    }
    set({ benchmark, versions, templates: { generator: draft('generator'), verifier: draft('verifier'), refiner: draft('refiner') } })
  },
  setQuestion: (question) => set({ question }),
  editTemplate: (role, patch) => set((state) => ({ templates: { ...state.templates, [role]: { ...state.templates[role], ...patch, baseVersionId: null } } })),
  useVersion: (record) =>
    set((state) => ({ templates: { ...state.templates, [record.role]: { system: record.system, user: record.user, baseVersionId: record.id } } })),
  async saveTemplate(role, note) {
    const { benchmark, templates } = get()
    try {
      const saved = await workbench.prompts.save({ benchmark, role, system: templates[role].system, user: templates[role].user, ...(note ? { note } : {}) })
      const versions = await workbench.prompts.list({ benchmark })
      set((state) => ({ versions, error: null, templates: { ...state.templates, [role]: { ...state.templates[role], baseVersionId: saved.id } } }))
    } catch (error) {
      set({ error: error as AppError })
    }
  },
  setAdapter: (role, id) => set((state) => ({ adapters: { ...state.adapters, [role]: id } })),
  setCompare: (compare) => set({ compare }),
  setEmptyVerification: (value) => set({ emptyVerification: value }),
  setSampling: (patch) => set((state) => ({ sampling: { ...state.sampling, ...patch } })),
  setSeed: (seed) => set({ seed }),

  async run(startAt = 'generator') {
    const state = get()
    const index = roleOrder.indexOf(startAt)
    // Stages before startAt keep their text; the rest are cleared for the new stream.
    const panes = emptyPanes()
    for (const lane of ['main', 'compare'] as const) {
      for (const role of roleOrder) if (roleOrder.indexOf(role) < index) panes[lane][role] = state.panes[lane][role]
    }
    // The id is ours, so events that arrive before the call returns are already recognised.
    const sessionId = `pg-${crypto.randomUUID()}`
    set({ panes, running: true, error: null, sessionId })
    const input: PlaygroundRunInput = {
      sessionId,
      benchmark: state.benchmark,
      question: {
        text: state.question.text,
        ...(state.question.gold ? { gold: state.question.gold } : {}),
        ...(state.benchmark === 'csqa' && state.question.choices.length > 0 ? { choices: state.question.choices } : {}),
        ...(state.question.questionId ? { questionId: state.question.questionId } : {})
      },
      templates: {
        generator: { system: state.templates.generator.system, user: state.templates.generator.user },
        verifier: { system: state.templates.verifier.system, user: state.templates.verifier.user },
        refiner: { system: state.templates.refiner.system, user: state.templates.refiner.user }
      },
      adapters: state.adapters,
      sampling: state.sampling,
      seed: state.seed,
      startAt,
      given: {
        ...(index > 0 ? { generation: state.panes.main.generator.text } : {}),
        ...(index > 1 ? { verification: state.panes.main.verifier.text } : {})
      },
      emptyVerification: state.emptyVerification,
      ...(state.compare.enabled ? { compareVerifier: { adapterId: state.compare.adapterId } } : {})
    }
    try {
      await workbench.playground.run(input)
    } catch (error) {
      set({ running: false, error: error as AppError })
    }
  },
  async cancel() {
    const { sessionId } = get()
    if (sessionId) await workbench.playground.cancel({ sessionId })
  },
  async loadHistory() {
    set({ history: await workbench.playground.history({ limit: 50 }) })
  },
  restore(session) {
    const panes = emptyPanes()
    for (const result of session.results) {
      panes[result.lane][result.stage] = {
        text: result.text,
        status: 'done',
        answer: result.answer,
        correct: result.correct,
        extraction: result.extraction ?? null,
        gradeReason: result.gradeReason ?? null
      }
    }
    set({
      benchmark: session.benchmark,
      question: { text: session.question.text, gold: session.question.gold ?? '', choices: session.question.choices ?? [], ...(session.question.questionId ? { questionId: session.question.questionId } : {}) },
      templates: {
        generator: { ...session.templates.generator, baseVersionId: null },
        verifier: { ...session.templates.verifier, baseVersionId: null },
        refiner: { ...session.templates.refiner, baseVersionId: null }
      },
      adapters: session.adapters,
      seed: session.seed,
      panes
    })
  },
  applyEvent(event) {
    const { sessionId } = get()
    if (!sessionId || !('sessionId' in event) || event.sessionId !== sessionId) return
    if (event.type === 'playground.delta') {
      set((state) => {
        const pane = state.panes[event.lane][event.stage]
        return { panes: { ...state.panes, [event.lane]: { ...state.panes[event.lane], [event.stage]: { ...pane, text: pane.text + event.delta } } } }
      })
    } else if (event.type === 'playground.stage') {
      set((state) => {
        const pane = state.panes[event.lane][event.stage]
        const next: PaneState =
          event.status === 'started'
            ? { ...emptyPane(), status: 'running' }
            : {
                ...pane,
                status: event.status === 'done' ? 'done' : 'failed',
                answer: event.answer ?? null,
                correct: event.correct ?? null,
                extraction: event.extraction ?? null,
                gradeReason: event.gradeReason ?? null,
                ...(event.error ? { error: event.error } : {})
              }
        return { panes: { ...state.panes, [event.lane]: { ...state.panes[event.lane], [event.stage]: next } } }
      })
    } else if (event.type === 'playground.finished') {
      set({ running: false, ...(event.error ? { error: { code: 'internal', message: event.error } as AppError } : {}) })
      void get().loadHistory()
    }
  }
}))
