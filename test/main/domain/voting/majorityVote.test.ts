import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { majorityVote } from '../../../../src/main/domain/voting/majorityVote'

describe('majorityVote', () => {
  it('returns the most frequent answer with its votes', () => {
    const result = majorityVote(['18', '20', '18'], { benchmark: 'gsm8k' })
    expect(result.winner).toBe('18')
    expect(result.winnerKey).toBe('18')
    expect(result.winnerIndices).toEqual([0, 2])
    expect(result.groups.map((g) => [g.key, g.count, g.sampleIndices])).toEqual([
      ['18', 2, [0, 2]],
      ['20', 1, [1]]
    ])
    expect(result.abstentions).toEqual([])
  })

  it('breaks a tie by the answer reached first', () => {
    expect(majorityVote(['7', '5', '3'], { benchmark: 'gsm8k' }).winner).toBe('7')
    expect(majorityVote(['5', '7', '7', '5'], { benchmark: 'gsm8k' }).winner).toBe('5')
    expect(majorityVote([null, '9', '4', '4', '9'], { benchmark: 'gsm8k' }).winner).toBe('9')
  })

  it('never counts a missing answer, and an all-abstain vote has no winner', () => {
    const result = majorityVote([null, '3', null], { benchmark: 'gsm8k' })
    expect(result.winner).toBe('3')
    expect(result.abstentions).toEqual([0, 2])
    const none = majorityVote([null, undefined, null])
    expect(none).toEqual({ winner: null, winnerKey: null, winnerIndices: [], groups: [], abstentions: [0, 1, 2] })
    expect(majorityVote([]).winner).toBeNull()
  })

  it('groups answers by the benchmark key', () => {
    expect(majorityVote(['1,200', '900', '1200.00'], { benchmark: 'gsm8k' }).winnerIndices).toEqual([0, 2])
    expect(majorityVote(['a', 'D', 'd'], { benchmark: 'csqa' })).toMatchObject({ winner: 'D', winnerIndices: [1, 2] })
    // Without a benchmark, only identical text groups.
    expect(majorityVote(['1,200', '900', '1200.00']).winner).toBe('1,200')
  })

  it('merges MATH answers that are equivalent but normalize differently', () => {
    const result = majorityVote(['\\frac{1}{3}', '\\sqrt{8}', '2\\sqrt{2}', '\\dfrac13'], { benchmark: 'math' })
    expect(result.groups.map((g) => [g.answer, g.sampleIndices])).toEqual([
      ['\\frac{1}{3}', [0, 3]],
      ['\\sqrt{8}', [1, 2]]
    ])
    expect(result.winner).toBe('\\frac{1}{3}') // tied 2–2, reached first
  })

  it('accepts a custom key and equivalence', () => {
    const result = majorityVote(['Yes', 'no', 'YES'], { keyOf: (a) => a.toLowerCase() })
    expect(result).toMatchObject({ winner: 'Yes', winnerKey: 'yes', winnerIndices: [0, 2] })
    const near = majorityVote(['1.0', '2.0', '1.01'], { areEquivalent: (a, b) => Math.abs(Number(a) - Number(b)) < 0.05 })
    expect(near.winnerIndices).toEqual([0, 2])
  })

  const votes = fc.array(fc.option(fc.constantFrom('A', 'B', 'C', 'D', 'E'), { nil: null }), { maxLength: 12 })

  it('property: counts add up to the non-null votes, and the winner has the highest count', () => {
    fc.assert(
      fc.property(votes, (answers) => {
        const result = majorityVote(answers, { benchmark: 'csqa' })
        const cast = answers.filter((a) => a !== null).length
        expect(result.groups.reduce((n, g) => n + g.count, 0)).toBe(cast)
        expect(result.abstentions.length).toBe(answers.length - cast)
        if (cast === 0) {
          expect(result.winner).toBeNull()
          return
        }
        const top = Math.max(...result.groups.map((g) => g.count))
        expect(result.winnerIndices.length).toBe(top)
        expect(result.winnerIndices.every((i) => answers[i] === result.winner)).toBe(true)
        // The earliest first vote among the tied groups.
        const tied = result.groups.filter((g) => g.count === top)
        expect(result.winnerIndices[0]).toBe(Math.min(...tied.map((g) => g.sampleIndices[0]!)))
      })
    )
  })

  it('property: permuting the votes does not change the count of any answer', () => {
    fc.assert(
      fc.property(
        votes.chain((answers) => fc.tuple(fc.constant(answers), fc.shuffledSubarray(answers, { minLength: answers.length, maxLength: answers.length }))),
        ([answers, permuted]) => {
          const counts = (a: readonly (string | null)[]) =>
            Object.fromEntries(majorityVote(a, { benchmark: 'csqa' }).groups.map((g) => [g.key, g.count]))
          expect(counts(permuted)).toEqual(counts(answers))
        }
      )
    )
  })

  it('property: a strict majority always wins, wherever its votes are', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(fc.constantFrom('7', '8', null), { maxLength: 5 }), fc.nat(), (n, others, seed) => {
        const votesFor9 = Array.from({ length: Math.max(n, others.length + 1) }, () => '9')
        const all = [...others, ...votesFor9]
        const shuffled = all.map((v, i) => ({ v, k: (i * 7919 + seed) % 104729 })).sort((a, b) => a.k - b.k).map((x) => x.v)
        expect(majorityVote(shuffled, { benchmark: 'gsm8k' }).winner).toBe('9')
      })
    )
  })
})
