import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { GeneratedText, GenerationRequest, LanguageModelPort } from '../../../../src/main/domain/agents/types'
import type { CompletedNode, ExistingNode, TreeSearchPorts } from '../../../../src/main/domain/search/expandQuestionTree'
import { expandQuestionTree } from '../../../../src/main/domain/search/expandQuestionTree'
import { allPaths, nodesPerQuestion, parentPath, seedOfNode } from '../../../../src/main/domain/search/treeShape'

/**
 * The language model is faked here: this tests the orchestration (which nodes, in which order, with which prompts
 * and seeds, resumed how). The real engine runs the same function in test/model/.
 */
class ScriptedModel implements LanguageModelPort {
  readonly requests: GenerationRequest[] = []
  constructor(private readonly options: { abortAfterSamples?: { count: number; controller: AbortController } } = {}) {}
  private samples = 0

  async generate(request: GenerationRequest): Promise<GeneratedText[]> {
    this.requests.push(request)
    const results = await Promise.all(
      request.seeds.map(async (seed, index) => {
        await new Promise((resolve) => setTimeout(resolve, (seed % 7) + 1))
        const aborted = request.signal?.aborted ?? false
        const text = `${request.role}#${seed} answer ${seed % 2 === 0 ? 42 : 7}`
        const result: GeneratedText = {
          text: aborted ? text.slice(0, 3) : text,
          stopReason: aborted ? 'abort' : 'eos',
          promptTokens: 10,
          evaluatedPromptTokens: index === 0 ? 10 : 0,
          completionTokens: 5,
          durationMs: 1
        }
        request.onSampleDone?.(index, result)
        this.samples++
        const abortRule = this.options.abortAfterSamples
        if (abortRule && this.samples === abortRule.count) abortRule.controller.abort()
        return result
      })
    )
    return results
  }
}

const question = { id: 11, question: 'What is 6 × 7?', answer: '42', choices: null }

function portsFor(model: LanguageModelPort, saved: CompletedNode[], options: { failOnSave?: number } = {}): TreeSearchPorts {
  let nextId = 1000
  return {
    model,
    messagesFor: (role, q, context) => [
      { role: 'system', content: `you are the ${role}` },
      { role: 'user', content: `${q.question} | G: ${context.generation ?? '-'} | V: ${context.verification ?? '-'}` }
    ],
    judge: (q, text) => {
      const extracted = /answer (\d+)/.exec(text)?.[1] ?? null
      return { extracted, correct: extracted === q.answer }
    },
    saveNode: (node) => {
      if (options.failOnSave !== undefined && saved.length === options.failOnSave) {
        throw Object.assign(new Error('SQLITE_FULL: database or disk is full'), { code: 'SQLITE_FULL' })
      }
      saved.push(node)
      return nextId++
    }
  }
}

describe('expandQuestionTree', () => {
  it.each([1, 2, 3])('expands exactly n + n² + n³ nodes for n = %i, each with its parent’s context', async (n) => {
    const saved: CompletedNode[] = []
    const model = new ScriptedModel()
    await expandQuestionTree(question, [], portsFor(model, saved), { branching: n, sampling: { temperature: 0.3, topP: 1, maxTokens: 64 }, runSeed: 5 })
    expect(saved).toHaveLength(nodesPerQuestion(n))
    expect(saved.map((node) => node.path).sort()).toEqual(allPaths(n).sort())
    // Siblings share one request: one request per parent, each asking for n seeds.
    expect(model.requests).toHaveLength(1 + n + n * n)
    expect(model.requests.every((request) => request.seeds.length === n)).toBe(true)

    const byPath = new Map(saved.map((node) => [node.path, node]))
    for (const node of saved) {
      expect(node.seed).toBe(seedOfNode(5, question.id, node.path))
      const parent = parentPath(node.path)
      if (node.role === 'generator') expect(node.messages[1]!.content).toContain('G: - | V: -')
      if (node.role === 'verifier') expect(node.messages[1]!.content).toContain(`G: ${byPath.get(parent!)!.output.text} | V: -`)
      if (node.role === 'refiner') {
        const verification = byPath.get(parent!)!
        const generation = byPath.get(parentPath(parent!)!)!
        expect(node.messages[1]!.content).toContain(`G: ${generation.output.text} | V: ${verification.output.text}`)
        expect(node.correct).toBe(node.answer === '42')
      }
    }
  })

  it('resumes any partial tree: only missing nodes are generated, each with the seed a fresh run would give it', async () => {
    const n = 3
    const paths = allPaths(n)
    await fc.assert(
      fc.asyncProperty(fc.subarray(paths), async (chosen) => {
        // A crash leaves a set of nodes closed under "parent stored before child".
        const present = new Set(chosen.filter((path) => {
          let p = parentPath(path)
          while (p !== null) {
            if (!chosen.includes(p)) return false
            p = parentPath(p)
          }
          return true
        }))
        const existing: ExistingNode[] = [...present].map((path, index) => ({
          id: index + 1,
          path,
          role: path.split('.').length === 1 ? 'generator' : path.split('.').length === 2 ? 'verifier' : 'refiner',
          text: `stored ${path}`
        }))
        const saved: CompletedNode[] = []
        const model = new ScriptedModel()
        await expandQuestionTree(question, existing, portsFor(model, saved), { branching: n, sampling: { temperature: 0.3, topP: 1, maxTokens: 64 }, runSeed: 9 })
        const savedPaths = saved.map((node) => node.path)
        expect(new Set(savedPaths).size).toBe(savedPaths.length)
        expect(savedPaths.filter((path) => present.has(path))).toEqual([])
        expect([...present, ...savedPaths].sort()).toEqual([...paths].sort())
        for (const node of saved) expect(node.seed).toBe(seedOfNode(9, question.id, node.path))
        // Stored parents give their stored text as context.
        for (const node of saved.filter((x) => x.role === 'verifier' && present.has(parentPath(x.path)!))) {
          expect(node.messages[1]!.content).toContain(`G: stored ${parentPath(node.path)}`)
        }
      }),
      { numRuns: 40 }
    )
  })

  it('stops on abort without storing interrupted samples', async () => {
    const controller = new AbortController()
    const saved: CompletedNode[] = []
    const model = new ScriptedModel({ abortAfterSamples: { count: 10, controller } })
    await expandQuestionTree(question, [], portsFor(model, saved), {
      branching: 3,
      sampling: { temperature: 0.3, topP: 1, maxTokens: 64 },
      runSeed: 1,
      signal: controller.signal
    })
    expect(saved.length).toBeGreaterThan(0)
    expect(saved.length).toBeLessThan(nodesPerQuestion(3))
    expect(saved.every((node) => node.output.stopReason !== 'abort')).toBe(true)
  })

  it('a failed save stops the question and reports that error', async () => {
    const saved: CompletedNode[] = []
    await expect(
      expandQuestionTree(question, [], portsFor(new ScriptedModel(), saved, { failOnSave: 5 }), {
        branching: 3,
        sampling: { temperature: 0.3, topP: 1, maxTokens: 64 },
        runSeed: 1
      })
    ).rejects.toThrow(/disk is full/)
    expect(saved).toHaveLength(5)
  })
})
