import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Workbench } from '../../src/main/app/Workbench'
import type { WorkbenchEvent } from '../../src/shared/api/events'
import type { PlaygroundRunInput } from '../../src/shared/api/schemas/playground'
import { tinyLoraPath, tinyModelPath } from '../support/models'
import { makeTempDir } from '../support/paths'
import { registerAdapter } from '../support/registerAdapter'

const templates: PlaygroundRunInput['templates'] = {
  generator: { system: 'You solve math problems.', user: 'Question: {{question}}' },
  verifier: { system: 'You check solutions.', user: 'Question: {{question}}\nAnswer: {{generation}}\nIs it right?' },
  refiner: { system: 'You refine solutions.', user: 'Question: {{question}}\nAnswer: {{generation}}\nFeedback: {{verification}}' }
}

describe('PlaygroundService on the tiny model', () => {
  let temp: ReturnType<typeof makeTempDir>
  let workbench: Workbench
  let events: WorkbenchEvent[]
  let adapterId: number

  beforeAll(async () => {
    temp = makeTempDir()
    workbench = Workbench.open({ databasePath: join(temp.dir, 'w.sqlite'), dataFolder: null, transport: 'cli' })
    await workbench.models.saveEngineSettings({ gpu: false, maxThreads: 1, gpuLayers: 0, sequencesPerRole: 2, contextSize: 1024 })
    await workbench.models.add(tinyModelPath(), true)
    adapterId = registerAdapter(workbench, {
      name: 'tiny verifier',
      role: 'verifier',
      stage: 'dpo',
      baseModelPath: tinyModelPath(),
      ggufPath: tinyLoraPath('a'),
      peftDir: null,
      trainingJobId: null,
      runId: null
    }).id
    events = []
    workbench.events.subscribe((event) => events.push(event))
  })
  afterAll(async () => {
    await workbench?.dispose()
    temp?.cleanup()
  })

  const base: PlaygroundRunInput = {
    benchmark: 'gsm8k',
    question: { text: 'What is 2 + 3?', gold: '5' },
    templates,
    sampling: { temperature: 0.3, topP: 1, maxTokens: 12 },
    seed: 7
  }

  it('streams G → V → R: the deltas of each stage add up to its stored output', async () => {
    const { sessionId, done } = workbench.playground.run(base)
    expect(await done).toBe('completed')
    const [session] = workbench.playground.list(1)
    expect(session!.results.map((result) => result.stage)).toEqual(['generator', 'verifier', 'refiner'])
    for (const result of session!.results) {
      const streamed = events
        .filter((event): event is Extract<WorkbenchEvent, { type: 'playground.delta' }> => event.type === 'playground.delta' && event.sessionId === sessionId && event.stage === result.stage)
        .map((event) => event.delta)
        .join('')
      expect(streamed).toBe(result.text)
      expect(result.text.length).toBeGreaterThan(0)
      expect(result.correct).toBe(result.answer === '5')
    }
    expect(events).toContainEqual({ type: 'playground.finished', sessionId, status: 'completed' })
  })

  it('re-runs from the verifier on a given generation, and with a fixed seed repeats itself', async () => {
    const first = workbench.playground.run({ ...base, startAt: 'verifier', given: { generation: 'It is 5. Final Answer: 5' } })
    await first.done
    const second = workbench.playground.run({ ...base, startAt: 'verifier', given: { generation: 'It is 5. Final Answer: 5' } })
    await second.done
    const [b, a] = workbench.playground.list(2)
    expect(a!.results.map((r) => r.stage)).toEqual(['verifier', 'refiner'])
    expect(b!.results.map((r) => r.text)).toEqual(a!.results.map((r) => r.text))
  })

  it('sends the same generation to an untrained and an adapted verifier side by side', async () => {
    const { done } = workbench.playground.run({ ...base, compareVerifier: { adapterId }, sampling: { temperature: 0, topP: 1, maxTokens: 12 } })
    expect(await done).toBe('completed')
    const [session] = workbench.playground.list(1)
    const verifier = (lane: string) => session!.results.find((r) => r.lane === lane && r.stage === 'verifier')!.text
    expect(session!.results.filter((r) => r.lane === 'compare').map((r) => r.stage).sort()).toEqual(['refiner', 'verifier'])
    expect(verifier('compare')).not.toBe(verifier('main'))
    expect(session!.compareAdapterId).toBe(adapterId)
  })

  it('runs the G+R ablation with an empty verification, and refuses a template that does not fit its role', async () => {
    const { done } = workbench.playground.run({ ...base, emptyVerification: true })
    await done
    expect(workbench.playground.list(1)[0]!.results.map((r) => r.stage)).toEqual(['generator', 'refiner'])
    expect(() => workbench.playground.run({ ...base, templates: { ...templates, verifier: { system: '', user: '{{question}}' } } })).toThrow(/generation/)
  })

  it('cancels a running session', async () => {
    const { sessionId, done } = workbench.playground.run({ ...base, sampling: { temperature: 0.3, topP: 1, maxTokens: 2000 } })
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(workbench.playground.cancel(sessionId)).toBe(true)
    expect(await done).toBe('cancelled')
  })
})
