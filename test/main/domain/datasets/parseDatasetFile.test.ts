import { describe, expect, it } from 'vitest'
import { parseDatasetFile } from '../../../../src/main/domain/datasets/parseDatasetFile'
import { AppError } from '../../../../src/shared/errors'

const encode = (text: string) => new TextEncoder().encode(text)
const lines = (...records: unknown[]) => encode(records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n'))

describe('parseDatasetFile', () => {
  it('reads GSM8K records and takes the gold number after ####', () => {
    const result = parseDatasetFile(
      lines(
        { question: 'How many?', answer: 'Work <<2*3=6>>\n#### 6' },
        { question: 'Money?', answer: 'It costs\n#### 1,250' },
        { question: 'Negative?', answer: '#### -3' }
      ),
      { format: 'gsm8k', fileName: 'g.jsonl' }
    )
    expect(result.problems).toEqual([])
    expect(result.benchmark).toBe('gsm8k')
    expect(result.questions.map((q) => q.answer)).toEqual(['6', '1250', '-3'])
    expect(result.questions.map((q) => q.externalId)).toEqual(['L1', 'L2', 'L3'])
  })

  it('names the line and the field of a missing field, malformed JSON and a non-object', () => {
    const result = parseDatasetFile(lines({ question: 'ok', answer: '#### 1' }, { answer: '#### 2' }, '{"question": "x", ', '[1,2]'), {
      format: 'gsm8k',
      fileName: 'g.jsonl'
    })
    expect(result.questions).toHaveLength(1)
    expect(result.problems).toEqual([
      { line: 2, field: 'question', message: 'missing' },
      { line: 3, message: expect.stringMatching(/^malformed JSON/) },
      { line: 4, message: 'expected a JSON object' }
    ])
  })

  it('reports a GSM8K answer with no #### number on its field', () => {
    const result = parseDatasetFile(lines({ question: 'q', answer: 'no final line' }), { format: 'gsm8k', fileName: 'g.jsonl' })
    expect(result.problems).toEqual([{ line: 1, field: 'answer', message: expect.stringContaining('no gold answer') }])
  })

  it('reports bytes that are not UTF-8 by line', () => {
    const good = encode(`${JSON.stringify({ question: 'q', answer: '#### 1' })}\n`)
    const bad = new Uint8Array([...encode('{"question": "caf'), 0xe9, ...encode('", "answer": "#### 2"}')])
    const bytes = new Uint8Array([...good, ...bad])
    const result = parseDatasetFile(bytes, { format: 'gsm8k', fileName: 'g.jsonl' })
    expect(result.questions).toHaveLength(1)
    expect(result.problems).toEqual([{ line: 2, message: 'not valid UTF-8 text' }])
  })

  it('accepts a byte-order mark, CRLF line ends and blank lines, keeping true line numbers', () => {
    const text = `\ufeff${JSON.stringify({ question: 'a', answer: '#### 1' })}\r\n\r\n   \n${JSON.stringify({ question: 'b' })}\r\n`
    const result = parseDatasetFile(encode(text), { format: 'gsm8k', fileName: 'g.jsonl' })
    expect(result.questions.map((q) => q.question)).toEqual(['a'])
    expect(result.problems).toEqual([{ line: 4, field: 'answer', message: 'missing' }])
    expect(result.lineCount).toBe(2)
  })

  it('reads MATH with its unique_id, and falls back to the last \\boxed{} of the solution', () => {
    const result = parseDatasetFile(
      lines(
        { problem: 'p1', solution: 's', answer: '\\frac{1}{2}', unique_id: 'test/algebra/1.json', level: 'Level 2', type: 'Algebra' },
        { problem: 'p2', solution: 'so $\\boxed{\\frac{3}{4}}$ and \\boxed{x^{2}}' },
        { problem: 'p3', solution: 's', answer: '' }
      ),
      { format: 'math', fileName: 'm.jsonl' }
    )
    expect(result.questions.map((q) => [q.externalId, q.answer])).toEqual([
      ['test/algebra/1.json', '\\frac{1}{2}'],
      ['L2', 'x^{2}']
    ])
    expect(result.questions[0]!.metadata).toEqual({ level: 'Level 2', type: 'Algebra' })
    expect(result.problems).toEqual([{ line: 3, field: 'answer', message: 'empty gold answer' }])
  })

  it('reads CommonsenseQA choices in label order and checks the answer key', () => {
    const record = {
      id: 'abc',
      answerKey: 'D',
      question: {
        question_concept: 'pump',
        stem: 'Oil comes out of the what?',
        choices: ['E', 'A', 'C', 'B', 'D'].map((label) => ({ label, text: `text ${label}` }))
      }
    }
    const result = parseDatasetFile(lines(record, { ...record, id: 'x', answerKey: 'F' }, { ...record, id: 'y', question: { stem: 's' } }), {
      format: 'csqa',
      fileName: 'c.jsonl'
    })
    expect(result.benchmark).toBe('csqa')
    expect(result.questions).toHaveLength(1)
    expect(result.questions[0]).toMatchObject({ externalId: 'abc', answer: 'D', choices: ['text A', 'text B', 'text C', 'text D', 'text E'] })
    expect(result.problems).toEqual([
      { line: 2, field: 'answerKey', message: "'F' is not one of the choice labels" },
      { line: 3, field: 'question.choices', message: 'expected a list of {label, text}' }
    ])
  })

  it('maps generic JSONL fields by dotted path and guesses the grading family', () => {
    const result = parseDatasetFile(
      lines(
        { q: { text: 'Pick one' }, gold: 'B', options: ['x', 'y'], key: 7 },
        { q: { text: 'Again' }, gold: 'A', options: { A: 'x', B: 'y' }, key: 8 },
        { q: {}, gold: 'A', options: [], key: 9 }
      ),
      { format: 'jsonl', fileName: 'j.jsonl', mapping: { question: 'q.text', answer: 'gold', choices: 'options', id: 'key' } }
    )
    expect(result.benchmark).toBe('csqa')
    expect(result.questions.map((q) => [q.externalId, q.choices])).toEqual([
      ['7', ['x', 'y']],
      ['8', ['x', 'y']]
    ])
    expect(result.problems).toEqual([{ line: 3, field: 'q.text', message: 'missing' }])
  })

  it('refuses generic JSONL without a mapping', () => {
    expect(() => parseDatasetFile(lines({ a: 1 }), { format: 'jsonl', fileName: 'j.jsonl' })).toThrow(AppError)
  })

  it('reports a duplicated id with the line it first appeared on', () => {
    const record = { problem: 'p', answer: '1', unique_id: 'same' }
    const result = parseDatasetFile(lines(record, record), { format: 'math', fileName: 'm.jsonl' })
    expect(result.problems).toEqual([{ line: 2, field: 'id', message: "duplicate id 'same' (first on line 1)" }])
  })

  it('reads GSM-Symbolic generated records and templates', () => {
    const result = parseDatasetFile(
      lines(
        { id: 3, instance: 12, question: 'q', answer: 'w\n#### 40', original_id: 9 },
        { id_shuffled: 5, id_orig: 17, question: 'q2', answer: 's\n#### 8', question_annotated: '{x,1}' }
      ),
      { format: 'gsm-symbolic', fileName: 's.jsonl' }
    )
    expect(result.questions.map((q) => [q.externalId, q.answer])).toEqual([
      ['3-12', '40'],
      ['5', '8']
    ])
  })
})
