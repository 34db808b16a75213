import type { Role } from '@shared/roles'
import type { Benchmark } from '@shared/benchmarks'
import type { ChatMessage, GeneratedText, GenerationRequest, SamplingOptions } from '../agents/types'
import { FailFastGroup } from '../concurrency/FailFastGroup'
import { gradeOutput, type GradeResult } from '../grading/gradeAnswer'
import type { PromptVariables } from '../prompts/PromptTemplate'
import { debateAgentMessages } from './debateAgentMessages'
import type { ResolvedAdapter } from './EvalConfiguration'
import type { WorkUnit } from './WorkUnit'
import { adapterToken, debateChain, unitKey } from './WorkUnit'

/**
 * Computes one item's missing work units (one question under one evaluation seed): each unit as soon as the units
 * its prompt reads exist (V after its G, R after its G and V, debate round r after round r − 1), every unit handed to
 * `save` the moment it is complete, so an interrupted item loses only what was in flight.
 *
 * Units whose prompts are identical and that become ready together go in one request with one seed each: the k
 * generations of a chain (its passes) and a debate's round-0 answers. Resuming is the same call: stored units are
 * never generated again, and a missing one is generated with the seed it would have had (`WorkUnit.samplingSeed`).
 * One failure (a crashed model, a full disk on save) aborts the item's other requests, and its error is thrown.
 */

export interface EvalQuestion {
  id: number
  question: string
  /** The gold answer, to grade every unit. */
  gold: string
  /** CSQA's choice texts in label order; null otherwise. */
  choices: readonly string[] | null
}

export interface EvalItem {
  seed: number
  question: EvalQuestion
  /** From `unitsOfItem(plan, item)`. */
  units: readonly WorkUnit[]
}

/** What resuming needs of a stored unit: its text, which later prompts quote. */
export interface StoredUnit {
  key: string
  text: string
}

export interface CompletedUnit {
  seed: number
  questionId: number
  key: string
  pass: number
  /** The role that produced it; a debate agent runs as the generator. */
  role: Role
  adapter: ResolvedAdapter
  messages: ChatMessage[]
  samplingSeed: number
  output: GeneratedText
  /** The answer the grader reads in the output; for a verifier, the answer it states (often none). */
  extracted: string | null
  correct: boolean
}

/**
 * The model as an evaluation needs it: a role's agent carrying a given adapter. The service backs it with per-role
 * LoRA contexts of one base model (AgentHost); requests with different adapters may run concurrently.
 */
export interface EvalModelPort {
  generate(adapter: ResolvedAdapter, request: GenerationRequest): Promise<GeneratedText[]>
}

export interface EvaluateItemPorts {
  model: EvalModelPort
  /**
   * A role's prompt: the evaluation's template for the role rendered with `vars` (`renderRoleMessages`). `vars` has
   * `verification: ''` for the G + R ablation's empty verification.
   */
  messagesFor(role: Role, vars: PromptVariables): ChatMessage[]
  /**
   * Defaults to `gradeOutput(settings.benchmark, text, question.gold, …)`, where a verifier's output counts only an
   * answer it states in the answer format (`statedOnly`): a critique ending "I checked 2 steps." states none, and
   * the generator's answer stands for the verifier's turn (paper §4–5).
   */
  grade?(question: EvalQuestion, text: string, role: Role): GradeResult
  /** Stores a unit durably; it must be committed when this returns (or its promise resolves). */
  save(unit: CompletedUnit): void | Promise<void>
}

export interface EvaluateItemSettings {
  benchmark: Benchmark
  /** The same for every unit (the paper: temperature 0.3, App. A.9). */
  sampling: SamplingOptions
  signal?: AbortSignal
}

export interface EvaluateItemResult {
  /** Units generated and saved by this call. */
  generated: number
  /** Whether every unit of the item now exists; false after an abort. */
  complete: boolean
}

export async function evaluateItem(
  item: EvalItem,
  stored: Iterable<StoredUnit>,
  ports: EvaluateItemPorts,
  settings: EvaluateItemSettings
): Promise<EvaluateItemResult> {
  const { question } = item
  const grade =
    ports.grade ??
    ((q: EvalQuestion, text: string, role: Role) =>
      gradeOutput(settings.benchmark, text, q.gold, { ...(q.choices ? { choices: q.choices } : {}), statedOnly: role === 'verifier' }))
  const texts = new Map<string, string>()
  for (const unit of stored) texts.set(unit.key, unit.text)

  const known = new Set(item.units.map((unit) => unit.key))
  for (const unit of item.units) {
    for (const dependency of unit.dependsOn) {
      if (!known.has(dependency)) throw new Error(`unit '${unit.key}' depends on '${dependency}', which is not a unit of the item`)
    }
  }

  // Missing units wait for their missing dependencies; the last one to arrive releases them.
  const waitingOn = new Map<string, number>()
  const dependents = new Map<string, WorkUnit[]>()
  const ready: WorkUnit[] = []
  for (const unit of item.units) {
    if (texts.has(unit.key)) continue
    const missing = unit.dependsOn.filter((key) => !texts.has(key))
    for (const key of missing) dependents.set(key, [...(dependents.get(key) ?? []), unit])
    if (missing.length === 0) ready.push(unit)
    else waitingOn.set(unit.key, missing.length)
  }

  const group = new FailFastGroup(settings.signal)
  const fail = (error: unknown) => group.fail(error)
  const inFlight = new Set<Promise<void>>()
  const track = (promise: Promise<void>) => {
    const tracked = promise.catch(fail).finally(() => inFlight.delete(tracked))
    inFlight.add(tracked)
  }
  let generated = 0

  const textOf = (key: string): string => {
    const text = texts.get(key)
    if (text === undefined) throw new Error(`unit '${key}' is needed before it exists`)
    return text
  }

  const messagesOf = (unit: WorkUnit): { role: Role; adapter: ResolvedAdapter; messages: ChatMessage[] } => {
    const stage = unit.stage
    if (stage.kind === 'debate') {
      const answerOf = (agent: number, round: number) => textOf(unitKey(unit.pass, debateChain(stage.agents, stage.adapter, agent, round)))
      const messages = debateAgentMessages(settings.benchmark, question, stage.agents, stage.agent, stage.round, answerOf)
      return { role: 'generator', adapter: stage.adapter, messages }
    }
    const vars: PromptVariables = { question: question.question }
    if (question.choices) vars.choices = question.choices
    if (stage.generationKey !== undefined) vars.generation = textOf(stage.generationKey)
    if (stage.role === 'refiner') vars.verification = stage.verificationKey === undefined ? '' : textOf(stage.verificationKey)
    return { role: stage.role, adapter: stage.adapter, messages: ports.messagesFor(stage.role, vars) }
  }

  const complete = (unit: WorkUnit, text: string) => {
    texts.set(unit.key, text)
    generated++
    const released: WorkUnit[] = []
    for (const dependent of dependents.get(unit.key) ?? []) {
      const left = (waitingOn.get(dependent.key) ?? 0) - 1
      waitingOn.set(dependent.key, left)
      if (left === 0) released.push(dependent)
    }
    launch(released)
  }

  const accept = (unit: WorkUnit, role: Role, adapter: ResolvedAdapter, messages: ChatMessage[], output: GeneratedText) => {
    // An interrupted sample is not a unit: it is generated again, whole, on resume.
    if (output.stopReason === 'abort' || group.stopped) return
    const verdict = grade(question, output.text, role)
    const saved = ports.save({
      seed: item.seed,
      questionId: question.id,
      key: unit.key,
      pass: unit.pass,
      role,
      adapter,
      messages,
      samplingSeed: unit.samplingSeed,
      output,
      extracted: verdict.extracted,
      correct: verdict.correct
    })
    // A stored unit counts even if the item stopped meanwhile; `launch` starts nothing after a stop.
    if (isPromiseLike(saved)) track(Promise.resolve(saved).then(() => complete(unit, output.text)))
    else complete(unit, output.text)
  }

  const request = async (units: WorkUnit[], role: Role, adapter: ResolvedAdapter, messages: ChatMessage[]) => {
    const handled = new Set<number>()
    const handle = (index: number, output: GeneratedText | undefined) => {
      const unit = units[index]
      if (!unit || !output || handled.has(index)) return
      handled.add(index)
      try {
        accept(unit, role, adapter, messages, output)
      } catch (error) {
        fail(error)
      }
    }
    try {
      const outputs = await ports.model.generate(adapter, {
        role,
        messages,
        seeds: units.map((unit) => unit.samplingSeed),
        sampling: settings.sampling,
        signal: group.signal,
        onSampleDone: handle
      })
      // A port that does not call onSampleDone still delivers every sample.
      outputs.forEach((output, index) => handle(index, output))
    } catch (error) {
      if (!group.stopped) fail(error)
    }
  }

  /** Starts the released units, one request per (role, adapter, prompt). */
  function launch(units: readonly WorkUnit[]): void {
    if (units.length === 0 || group.stopped) return
    const groups = new Map<string, { units: WorkUnit[]; role: Role; adapter: ResolvedAdapter; messages: ChatMessage[] }>()
    try {
      for (const unit of units) {
        const { role, adapter, messages } = messagesOf(unit)
        const signature = JSON.stringify([role, adapterToken(adapter), messages])
        const group = groups.get(signature)
        if (group) group.units.push(unit)
        else groups.set(signature, { units: [unit], role, adapter, messages })
      }
    } catch (error) {
      fail(error)
      return
    }
    for (const group of groups.values()) track(request(group.units, group.role, group.adapter, group.messages))
  }

  await group.run(async () => {
    launch(ready)
    while (inFlight.size > 0) await Promise.all([...inFlight])
  })
  return { generated, complete: item.units.every((unit) => texts.has(unit.key)) }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function'
}
