import { perRole, type Role, roles } from '@shared/roles'
import type { PlaygroundRunInput, PlaygroundSession, StageResult } from '@shared/api/schemas/playground'
import { playgroundRunInputSchema } from '@shared/api/schemas/playground'
import { AppError, serializeError } from '@shared/errors'
import { CancelledError } from '@shared/errors/CancelledError'
import type { LanguageModelPort } from '../domain/agents/types'
import { gradeOutput } from '../domain/grading/gradeAnswer'
import { gradingDetailOf } from '../domain/grading/gradingDetailOf'
import { renderRoleMessages } from '../domain/prompts/renderRoleMessages'
import { validateTemplate } from '../domain/prompts/validateTemplate'
import type { EventBus } from './EventBus'
import type { AdapterRepository } from './ports/AdapterRepository'
import type { AgentHost, RoleAdapterSpec } from './ports/AgentHost'
import type { PlaygroundRepository } from './ports/PlaygroundRepository'
import type { SettingsRepository } from './ports/SettingsRepository'
import { defaultModelSettingKey } from './TreeSearchService'

type Lane = StageResult['lane']

/**
 * Interactive G → V → R for prompt tweaking: the editor's templates (saved or not) on one question, tokens streamed
 * to the UI as `playground.delta` events, re-runnable from any stage with the earlier outputs kept, and optionally the
 * same generation sent to a second verifier (e.g. untrained vs trained) whose critique is refined too. Every finished
 * run is kept in the history.
 */
export class PlaygroundService {
  private readonly sessions = new Map<string, AbortController>()
  private nextSession = 1

  constructor(
    private readonly agentHost: AgentHost,
    private readonly adapterRecords: AdapterRepository,
    private readonly settings: SettingsRepository,
    private readonly history: PlaygroundRepository,
    private readonly events: EventBus
  ) {}

  run(rawInput: PlaygroundRunInput): { sessionId: string; done: Promise<PlaygroundSession['status']> } {
    const input = playgroundRunInputSchema.parse(rawInput)
    const modelPath = input.modelPath ?? this.settings.get<string>(defaultModelSettingKey)
    if (!modelPath) throw new AppError('invalid_input', 'no model chosen: add one in Setup first', { field: 'modelPath' })
    for (const role of roles) {
      const issues = validateTemplate({ benchmark: input.benchmark, role, ...input.templates[role] })
      if (issues.length > 0) throw new AppError('invalid_input', `${role} template: ${issues.map((issue) => issue.message).join('; ')}`, { field: `templates.${role}` })
    }
    if (input.startAt !== 'generator' && input.given.generation === undefined) {
      throw new AppError('invalid_input', `re-running from the ${input.startAt} needs the generation it works on`, { field: 'given.generation' })
    }
    if (input.startAt === 'refiner' && !input.emptyVerification && input.given.verification === undefined) {
      throw new AppError('invalid_input', 're-running from the refiner needs the verification it works on', { field: 'given.verification' })
    }
    const spec = (id: number | null): RoleAdapterSpec | null => (id === null ? null : { filePath: this.adapterRecords.get(id).ggufPath })
    const adapterSpecs = perRole((role) => spec(input.adapters[role]))
    const compareSpec = input.compareVerifier ? spec(input.compareVerifier.adapterId) : undefined

    const sessionId = input.sessionId ?? `pg-${Date.now().toString(36)}-${this.nextSession++}`
    if (this.sessions.has(sessionId)) throw new AppError('conflict', `playground session ${sessionId} is already running`)
    const controller = new AbortController()
    this.sessions.set(sessionId, controller)
    const results: StageResult[] = []

    const done = (async (): Promise<PlaygroundSession['status']> => {
      let status: PlaygroundSession['status'] = 'completed'
      let error: string | null = null
      try {
        const main = await this.agentHost.agents({ modelPath, adapters: adapterSpecs }, controller.signal)
        const stage = (lane: Lane, agents: LanguageModelPort, role: Role, vars: { generation?: string; verification?: string }) =>
          this.stage(sessionId, lane, agents, role, input, vars, controller.signal).then((result) => {
            results.push(result)
            return result.text
          })

        const generation = input.startAt === 'generator' ? await stage('main', main, 'generator', {}) : input.given.generation!
        const refineAfter = async (lane: Lane, agents: LanguageModelPort, verifierAgents: LanguageModelPort | null) => {
          let verification = ''
          if (!input.emptyVerification) {
            verification =
              input.startAt === 'refiner' && lane === 'main'
                ? input.given.verification!
                : await stage(lane, verifierAgents ?? agents, 'verifier', { generation })
          }
          if (!controller.signal.aborted) await stage(lane, agents, 'refiner', { generation, verification })
        }
        const lanes = [refineAfter('main', main, null)]
        if (compareSpec !== undefined && !input.emptyVerification) {
          const other = await this.agentHost.agents({ modelPath, adapters: { ...adapterSpecs, verifier: compareSpec } }, controller.signal)
          lanes.push(refineAfter('compare', other, other))
        }
        await Promise.all(lanes)
        if (controller.signal.aborted) status = 'cancelled'
      } catch (caught) {
        status = controller.signal.aborted ? 'cancelled' : 'failed'
        error = serializeError(caught).message
      } finally {
        this.sessions.delete(sessionId)
      }
      this.history.save({
        benchmark: input.benchmark,
        question: input.question,
        templates: input.templates,
        adapters: input.adapters,
        compareAdapterId: input.compareVerifier?.adapterId ?? null,
        seed: input.seed,
        status,
        error,
        results
      })
      this.events.emit({ type: 'playground.finished', sessionId, status, ...(error ? { error } : {}) })
      this.events.changed('playground')
      return status
    })()
    return { sessionId, done }
  }

  cancel(sessionId: string): boolean {
    const controller = this.sessions.get(sessionId)
    controller?.abort(new CancelledError('cancelled by the user'))
    return controller !== undefined
  }

  /** The registered adapters a lane may load, newest first. */
  adapters(): { id: number; name: string; role: Role; stage: string | null; createdAt: string }[] {
    return this.adapterRecords.list().map((adapter) => ({ id: adapter.id, name: adapter.name, role: adapter.role, stage: adapter.stage, createdAt: adapter.createdAt }))
  }

  list(limit: number): PlaygroundSession[] {
    return this.history.list(limit)
  }

  private async stage(
    sessionId: string,
    lane: Lane,
    agents: LanguageModelPort,
    role: Role,
    input: ReturnType<typeof playgroundRunInputSchema.parse>,
    vars: { generation?: string; verification?: string },
    signal: AbortSignal
  ): Promise<StageResult> {
    this.events.emit({ type: 'playground.stage', sessionId, lane, stage: role, status: 'started' })
    try {
      const messages = renderRoleMessages(
        { benchmark: input.benchmark, role, ...input.templates[role] },
        {
          question: input.question.text,
          ...(input.question.choices ? { choices: input.question.choices } : {}),
          ...(vars.generation !== undefined ? { generation: vars.generation } : {}),
          ...(vars.verification !== undefined ? { verification: vars.verification } : {})
        }
      )
      const [output] = await agents.generate({
        role,
        messages,
        seeds: [input.seed],
        sampling: input.sampling,
        signal,
        onDelta: (_index, delta) => this.events.emit({ type: 'playground.delta', sessionId, lane, stage: role, delta })
      })
      // A verifier's answer is the one it states in the answer format, as in evaluations (paper §4–5).
      const statedOnly = role === 'verifier'
      const choices = input.question.choices ? { choices: input.question.choices } : {}
      const graded = input.question.gold !== undefined ? gradeOutput(input.benchmark, output!.text, input.question.gold, { ...choices, statedOnly }) : null
      const detail = gradingDetailOf(input.benchmark, output!.text, input.question.gold, { choices: input.question.choices ?? null, statedOnly })
      this.events.emit({ type: 'playground.stage', sessionId, lane, stage: role, status: 'done', answer: graded?.extracted ?? null, correct: graded?.correct ?? null, ...detail })
      return {
        lane,
        stage: role,
        text: output!.text,
        answer: graded?.extracted ?? null,
        correct: graded?.correct ?? null,
        ...detail,
        completionTokens: output!.completionTokens,
        durationMs: output!.durationMs
      }
    } catch (error) {
      this.events.emit({ type: 'playground.stage', sessionId, lane, stage: role, status: 'failed', error: serializeError(error).message })
      throw error
    }
  }
}
