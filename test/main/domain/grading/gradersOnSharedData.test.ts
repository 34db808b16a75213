import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { extractCsqaAnswer } from '../../../../src/main/domain/grading/extractCsqaAnswer'
import { extractMathAnswer } from '../../../../src/main/domain/grading/extractMathAnswer'
import { gradeAnswer, gradeOutput } from '../../../../src/main/domain/grading/gradeAnswer'
import { isMathEquivalent } from '../../../../src/main/domain/grading/isMathEquivalent'
import { parseGsm8kGold } from '../../../../src/main/domain/grading/parseGsm8kGold'
import { sharedDataFile } from '../../../support/paths'

/** The real data sets in ../shared/data (or MALT_DATA_DIR); a missing folder fails the test and says where. */
function readJsonl<T>(relativePath: string, limit = Infinity): T[] {
  const lines = readFileSync(sharedDataFile(relativePath), 'utf8').split('\n').filter((l) => l.trim().length > 0)
  return lines.slice(0, limit).map((l) => JSON.parse(l) as T)
}

/** Changes the first digit (d → d+1 mod 10), or appends a letter when there is none. */
function perturb(answer: string): string {
  const at = answer.search(/\d/)
  if (at < 0) return `${answer}z`
  return answer.slice(0, at) + String((Number(answer[at]) + 1) % 10) + answer.slice(at + 1)
}

describe('graders on the shared data sets', () => {
  it('gsm8k test, first 300: the gold parses, "Final Answer: <gold>" is correct and <gold + 1> is not', () => {
    const records = readJsonl<{ answer: string }>('gsm8k/test.jsonl', 300)
    expect(records).toHaveLength(300)
    for (const record of records) {
      const gold = parseGsm8kGold(record.answer)
      expect(gold, record.answer).not.toBeNull()
      expect(gradeAnswer('gsm8k', `Step 5: done.\n\n**Final Answer: ${gold}**`, record.answer)).toEqual({ extracted: gold, correct: true })
      const wrong = String(Number(gold) + 1)
      expect(gradeAnswer('gsm8k', `Final Answer: ${wrong}`, record.answer).correct).toBe(false)
    }
  })

  it('MATH train and test: every official solution is graded correct against its own answer field', () => {
    const failures: string[] = []
    let graded = 0
    for (const file of ['math/train.jsonl', 'math/test.jsonl']) {
      for (const record of readJsonl<{ solution: string; answer: string; unique_id: string }>(file)) {
        graded++
        const result = gradeOutput('math', record.solution, record.answer)
        if (!result.correct) failures.push(`${record.unique_id}: ${result.reason}`)
      }
    }
    expect(graded).toBe(12_500)
    // Two train solutions end in an empty \boxed{} and their answer field is empty: the data lost the answer.
    expect(failures).toEqual(['train/number_theory/7115.json: no answer found in the output', 'train/number_theory/7117.json: no answer found in the output'])
  })

  it('MATH500: the last \\boxed{} of every solution is equivalent to its answer, and a perturbed answer is not', () => {
    const records = readJsonl<{ solution: string; answer: string; unique_id: string }>('math/math500_test.jsonl')
    expect(records).toHaveLength(500)
    const selfFailures: string[] = []
    const perturbFailures: string[] = []
    for (const record of records) {
      const extracted = extractMathAnswer(record.solution)
      if (!isMathEquivalent(extracted, record.answer)) selfFailures.push(`${record.unique_id}: ${extracted} vs ${record.answer}`)
      const perturbed = perturb(record.answer)
      if (isMathEquivalent(perturbed, record.answer)) perturbFailures.push(`${record.unique_id}: ${perturbed} vs ${record.answer}`)
    }
    expect(selfFailures).toEqual([])
    expect(perturbFailures).toEqual([])
  })

  it('CSQA dev: the text of the correct choice maps to its letter, and so does the letter itself', () => {
    type Record = { answerKey: string; question: { choices: { label: string; text: string }[] } }
    const records = readJsonl<Record>('csqa/dev_rand_split.jsonl')
    expect(records).toHaveLength(1221)
    const ambiguous: string[] = []
    for (const record of records) {
      const texts = record.question.choices.map((c) => c.text)
      const gold = record.question.choices.find((c) => c.label === record.answerKey)!
      const fromText = extractCsqaAnswer(`Reasoning steps: 1. ...\n\nFinal Answer: ${gold.text}`, texts)
      if (texts.filter((t) => t.toLowerCase() === gold.text.toLowerCase()).length > 1) {
        // The data has questions whose correct text is also another choice's text: no grader can map it.
        expect(fromText).toBeNull()
        ambiguous.push(gold.text)
      } else {
        expect(fromText, gold.text).toBe(record.answerKey)
      }
      expect(extractCsqaAnswer(`Final Answer: ${record.answerKey}`, texts)).toBe(record.answerKey)
    }
    // 24 dev questions repeat a choice text; in 6 the repeated text is the correct one (line 23: A and D
    // are both "indestructible", the key is D), so a written-out answer cannot say which letter it meant.
    expect(ambiguous).toEqual(['indestructible', 'mortal', 'healthy', 'ample', 'bent', 'bar'])
  })
})
