import { describe, expect, it } from 'vitest'
import { AppError } from '@shared/errors'
import { instantiateTemplate } from '../../../../src/main/domain/symbolic/instantiateTemplate'
import { instantiateTemplates } from '../../../../src/main/domain/symbolic/instantiateTemplates'
import { parseSymbolicTemplate, type SymbolicTemplateRecord } from '../../../../src/main/domain/symbolic/parseSymbolicTemplate'
import { parseTemplateFile } from '../../../../src/main/domain/symbolic/parseTemplateFile'

/** Template 0 of the real file (the remora problem), written out so this file tests the parts on their own. */
const remora: SymbolicTemplateRecord = {
  id_shuffled: 0,
  id_orig: 473,
  question:
    "Benny saw a 10-foot shark with 2 6-inch remoras attached to it. What percentage of the shark's body length is the combined length of the remoras?",
  answer: '… = 10%\n#### 10',
  question_annotated: [
    "{n, Benny} saw a {x,10}-foot {big_fish,shark} with {k,2} {y,6}-inch remoras attached to it. What percentage of the {big_fish,shark}'s body length is the combined length of the remoras?",
    '',
    '#init:',
    '- n = sample(names)',
    '- big_fish = sample(["dolphin", "whale", "shark"])',
    '- $x = range(10, 500, 10)',
    '- $k = range(2, 10)',
    '- $y = range(2, 100)',
    '',
    '#conditions:',
    '- k * y < x * 12',
    '- divides(k*y,12)',
    '- divides(x * 12, k*y)',
    '- divides(100, x * 12 / (k*y))',
    '',
    '#answer: int((k * y)/ (x * 12) * 100)'
  ].join('\n'),
  answer_annotated:
    'First: {y} inches/remora * {k} remoras = <<{y}*{k}={k*y}>>{k*y} inches.\nThen {k*y//12} foot / {x} feet * 100% = {int(k*y/(12*x)*100)}%\n\n#### {int(k*y/(12*x)*100)}'
}

function template(overrides: Partial<SymbolicTemplateRecord> = {}) {
  return parseSymbolicTemplate({ ...remora, ...overrides })
}

function errorOf(work: () => unknown): AppError {
  try {
    work()
  } catch (error) {
    if (error instanceof AppError) return error
    throw error
  }
  throw new Error('expected an AppError')
}

describe('parseSymbolicTemplate', () => {
  it('reads slots, #init targets with the $ marker, conditions, #answer and the answer slots', () => {
    const t = template()
    expect(t.questionSlots.map((s) => `${s.variable}=${s.defaultText}`)).toEqual(['n=Benny', 'x=10', 'big_fish=shark', 'k=2', 'y=6', 'big_fish=shark'])
    expect(t.init.map((s) => [s.targets.join(','), s.numeric])).toEqual([['n', false], ['big_fish', false], ['x', true], ['k', true], ['y', true]])
    expect(t.conditions.map((c) => c.source)).toEqual(['k * y < x * 12', 'divides(k*y,12)', 'divides(x * 12, k*y)', 'divides(100, x * 12 / (k*y))'])
    expect(t.answerExpression.source).toBe('int((k * y)/ (x * 12) * 100)')
    expect(t.answerSlots.map((s) => s.source)).toContain('k*y//12')
  })

  it('accepts the other spellings the real templates use: #answer = …, #answer: {…}, $ans, several targets', () => {
    const annotated = remora.question_annotated.replace('#answer: int((k * y)/ (x * 12) * 100)', '#answer = {int((k * y)/ (x * 12) * 100)}')
    expect(template({ question_annotated: annotated }).answerExpression.source).toBe('int((k * y)/ (x * 12) * 100)')
    const several = remora.question_annotated.replace('- n = sample(names)', '- n, m = sample(names, 2)')
    expect(template({ question_annotated: several }).variables).toEqual(['n', 'm', 'big_fish', 'x', 'k', 'y'])
  })

  it.each([
    [remora.question_annotated.replace('#init:', '#setup:'), 'question_annotated', "template 0: no '#init:' section"],
    [remora.question_annotated.replace('{k,2}', '{q,2}'), 'question_annotated', "question slot '{q,2}' names 'q', which #init does not define"],
    [remora.question_annotated.replace('- k * y < x * 12', '- k * y < < x'), 'question_annotated', "#conditions 'k * y < < x': SyntaxError"],
    [remora.question_annotated.replace('#answer: int((k * y)/ (x * 12) * 100)', ''), 'question_annotated', "no '#answer:' expression"],
    [remora.question_annotated.replace('- $k = range(2, 10)', '- $k == range(2, 10)'), 'question_annotated', "#init item '$k == range(2, 10)' is not 'name = expression'"]
  ])('rejects a malformed question_annotated with a message naming the template and the expression (%#)', (annotated, field, message) => {
    const error = errorOf(() => template({ question_annotated: annotated }))
    expect(error.code).toBe('invalid_input')
    expect(error.location?.field).toBe(field)
    expect(error.message).toContain(message)
  })

  it('rejects answer text without a final #### slot, and bad answer slots', () => {
    expect(errorOf(() => template({ answer_annotated: 'no final line' })).message).toContain("does not end with '#### {expression}'")
    expect(errorOf(() => template({ answer_annotated: 'x {k*} #### {k}' })).message).toContain("answer text slot 'k*'")
  })
})

describe('instantiateTemplate', () => {
  it('samples values that satisfy every condition and renders question and solution consistently', () => {
    for (let seed = 0; seed < 20; seed++) {
      const instance = instantiateTemplate(template(), { seed })
      const get = (name: string) => instance.bindings.get(name)
      const [x, k, y] = [get('x') as bigint, get('k') as bigint, get('y') as bigint]
      expect(k * y < x * 12n).toBe(true)
      expect((k * y) % 12n).toBe(0n)
      expect((x * 12n) % (k * y)).toBe(0n)
      expect(instance.finalAnswer).toBe(String(Math.trunc(((Number(k) * Number(y)) / (Number(x) * 12)) * 100)))
      expect(instance.answer.endsWith(`\n#### ${instance.finalAnswer}`)).toBe(true)
      // Names are used consistently: both slots of big_fish show the same animal.
      const fish = get('big_fish') as string
      expect(instance.question).toContain(`-foot ${fish} with`)
      expect(instance.question).toContain(`of the ${fish}'s body length`)
      expect(instance.question).toMatch(new RegExp(`^${get('n') as string} saw a ${x}-foot`))
      expect(instance.question + instance.answer).not.toMatch(/[{}]/)
    }
  })

  it('is deterministic: same seed, same instance; other seeds give other instances', () => {
    const a = instantiateTemplate(template(), { seed: 42 })
    const b = instantiateTemplate(template(), { seed: 42 })
    expect(b).toEqual(a)
    const questions = new Set(Array.from({ length: 10 }, (_, seed) => instantiateTemplate(template(), { seed }).question))
    expect(questions.size).toBeGreaterThan(5)
  })

  it('redraws a question it was told to exclude (dedupe)', () => {
    const first = instantiateTemplate(template(), { seed: 42 })
    const second = instantiateTemplate(template(), { seed: 42, exclude: new Set([first.question]) })
    expect(second.question).not.toBe(first.question)
    expect(second.attempts).toBeGreaterThan(first.attempts)
  })

  it('gives up after maxAttempts, naming the template and the condition that rejected most', () => {
    const impossible = remora.question_annotated.replace('- k * y < x * 12', '- k * y < 0')
    const error = errorOf(() => instantiateTemplate(template({ question_annotated: impossible }), { seed: 1, maxAttempts: 50 }))
    expect(error.message).toBe("template 0: no acceptable sample in 50 attempts (rejected by condition 'k * y < 0' 50×)")
  })

  it('fails on an unknown name before sampling, naming the template and the expression', () => {
    const typo = remora.question_annotated.replace('- divides(k*y,12)', '- divide(k*y,12)')
    expect(errorOf(() => instantiateTemplate(template({ question_annotated: typo }), { seed: 1 })).message).toBe(
      "template 0: #conditions 'divide(k*y,12)': name 'divide' is not defined (not an #init variable or a built-in)"
    )
    const answerTypo = { answer_annotated: remora.answer_annotated.replace('{x} feet', '{xx} feet') }
    expect(errorOf(() => instantiateTemplate(template(answerTypo), { seed: 1 })).message).toContain("answer text slot 'xx': name 'xx' is not defined")
  })

  it('reports a type error as a template bug, and rejects (not fails) a sample that divides by zero', () => {
    const typeError = remora.question_annotated.replace('- k * y < x * 12', '- k * y < "x"')
    expect(errorOf(() => instantiateTemplate(template({ question_annotated: typeError }), { seed: 1 })).message).toBe(
      "template 0: condition 'k * y < \"x\"': TypeError: '<' not supported between instances of 'int' and 'str'"
    )
    const zero = remora.question_annotated.replace('- k * y < x * 12', '- 1 / (k - 2) > 0')
    const instance = instantiateTemplate(template({ question_annotated: zero }), { seed: 3 })
    expect(instance.bindings.get('k')).not.toBe(2n)
  })

  it('rejects samples whose solution line disagrees with #answer, or whose answer is not an integer', () => {
    const unconditional = remora.question_annotated.replace(/#conditions:[\s\S]*?\n\n/, '')
    const wrong = unconditional.replace('#answer: int((k * y)/ (x * 12) * 100)', '#answer: int((k * y)/ (x * 12) * 100) + 1')
    expect(errorOf(() => instantiateTemplate(template({ question_annotated: wrong }), { seed: 1, maxAttempts: 200 })).message).toContain(
      "(rejected by a solution whose '####' line disagrees with #answer 200×)"
    )
    const fractional = unconditional.replace('#answer: int((k * y)/ (x * 12) * 100)', '#answer: 1 / 3')
    expect(errorOf(() => instantiateTemplate(template({ question_annotated: fractional }), { seed: 1, maxAttempts: 200 })).message).toContain(
      '(rejected by a final answer that is not an integer 200×)'
    )
  })

  it('shows labelled values as words in the question and as numbers in the solution; ints as words where the default was one', () => {
    const record: SymbolicTemplateRecord = {
      id_shuffled: 5,
      id_orig: 1,
      question: 'Ann has two dogs and twice as many cats.',
      answer: '#### 6',
      question_annotated: [
        '{name,Ann} has {n,two} dogs and {mult,twice} as many cats. {frac,Half} of the cats sleep.',
        '#init:',
        '- name = sample(names_female)',
        '- $n = numbers_within(2, 9)',
        '- $mult = sample(multi_times)',
        '- $frac = sample(fraction_alnum)',
        '#conditions:',
        '- is_int(n * mult * frac)',
        '#answer: n + n * mult'
      ].join('\n'),
      answer_annotated: '{n} dogs, {n} * {mult} = {n*mult} cats, {n*mult*frac} sleep.\n#### {n + n*mult}'
    }
    const t = parseSymbolicTemplate(record)
    for (let seed = 0; seed < 10; seed++) {
      const instance = instantiateTemplate(t, { seed })
      const n = instance.bindings.get('n')!
      const mult = instance.bindings.get('mult')!
      expect(instance.question).toMatch(/^\w+ has [a-z-]+ dogs and (twice|three times|four times|five times) as many cats\. (Half|1\/\d+|Two-fifths|Two-thirds|Three-quarters|Three-fifths|Four-fifths) of the cats sleep\.$/)
      expect(instance.answer).toMatch(/^\d+ dogs, \d+ \* \d+ = \d+ cats, \d+ sleep\.\n#### \d+$/)
      expect(String(n)).not.toBe('')
      expect(String(mult)).not.toBe('')
    }
  })
})

describe('a variable pinned by an equation (b == 2 * a)', () => {
  const record = (bRange: string): SymbolicTemplateRecord => ({
    id_shuffled: 8,
    id_orig: 2,
    question: 'a=1, b=2',
    answer: '#### 3',
    question_annotated: ['a={a,1}, b={b,2}', '#init:', '- $a = range(1, 4)', `- $b = ${bRange}`, '#conditions:', '- b == 2 * a', '#answer: a + b'].join('\n'),
    answer_annotated: '{a} + {b} = {a + b}\n#### {a + b}'
  })

  it('is computed, not guessed, and the accepted samples stay uniform', () => {
    const counts = new Map<bigint, number>()
    for (let seed = 0; seed < 600; seed++) {
      const instance = instantiateTemplate(parseSymbolicTemplate(record('range(0, 100)')), { seed })
      const a = instance.bindings.get('a') as bigint
      expect(instance.bindings.get('b')).toBe(2n * a)
      expect(instance.attempts).toBe(1)
      counts.set(a, (counts.get(a) ?? 0) + 1)
    }
    expect([...counts.keys()].sort()).toEqual([1n, 2n, 3n])
    for (const count of counts.values()) expect(count).toBeGreaterThan(150)
  })

  it('rejects a sample whose computed value falls outside the range (only a = 1 fits range(1, 4, 1) for b)', () => {
    for (let seed = 0; seed < 30; seed++) {
      const instance = instantiateTemplate(parseSymbolicTemplate(record('range(1, 4)')), { seed })
      expect([instance.bindings.get('a'), instance.bindings.get('b')]).toEqual([1n, 2n])
    }
  })
})

describe('instantiateTemplates', () => {
  it("writes Apple's generated-data records, perTemplate distinct instances each, reproducibly", () => {
    const templates = [template(), template({ id_shuffled: 1, id_orig: 9 })]
    const records = instantiateTemplates(templates, { perTemplate: 4, seed: 7 })
    expect(records.map((r) => `${r.id}/${r.instance}`)).toEqual(['0/0', '0/1', '0/2', '0/3', '1/0', '1/1', '1/2', '1/3'])
    expect(Object.keys(records[0]!)).toEqual(['id', 'instance', 'question', 'answer', 'original_id', 'original_question'])
    expect(records[4]!.original_id).toBe(9)
    expect(new Set(records.slice(0, 4).map((r) => r.question)).size).toBe(4)
    expect(instantiateTemplates(templates, { perTemplate: 4, seed: 7 })).toEqual(records)
    expect(instantiateTemplates(templates, { perTemplate: 4, seed: 8 })).not.toEqual(records)
    // Instance i does not depend on how many are asked for.
    expect(instantiateTemplates(templates, { perTemplate: 2, seed: 7 })).toEqual(records.filter((r) => r.instance < 2))
  })

  it('fails clearly when a template has fewer distinct instances than asked for', () => {
    const tiny = remora.question_annotated.replace('- $x = range(10, 500, 10)', '- $x = range(10, 11)').replace('- $k = range(2, 10)', '- $k = range(2, 3)').replace('- $y = range(2, 100)', '- $y = range(6, 7)').replace('- n = sample(names)', '- n = sample(["Benny"])').replace('["dolphin", "whale", "shark"]', '["shark", "whale"]')
    const error = errorOf(() => instantiateTemplates([template({ question_annotated: tiny })], { perTemplate: 3, seed: 1, maxAttempts: 100 }))
    expect(error.message).toContain('same question as an earlier instance')
  })
})

describe('parseTemplateFile', () => {
  const line = JSON.stringify(remora)
  it('names the file, line and field of the first bad line', () => {
    const check = (text: string, location: { line: number; field?: string }, message: string) => {
      const error = errorOf(() => parseTemplateFile(text, 't.jsonl'))
      expect(error.code).toBe('bad_file')
      expect(error.location).toEqual({ file: 't.jsonl', ...location })
      expect(error.message).toContain(message)
    }
    check(`${line}\n{"question": `, { line: 2 }, 'malformed JSON')
    check(`${line}\n\n${JSON.stringify({ ...remora, id_shuffled: 3, answer_annotated: undefined })}`, { line: 3, field: 'answer_annotated' }, 'missing')
    check(`${JSON.stringify({ ...remora, id_orig: 'x' })}`, { line: 1, field: 'id_orig' }, 'expected number')
    check(`${line}\n${line}`, { line: 2, field: 'id_shuffled' }, 'duplicate template id 0 (first on line 1)')
    check(JSON.stringify({ ...remora, question_annotated: remora.question_annotated.replace('{k,2}', '{k}') }), { line: 1, field: 'question_annotated' }, "question slot '{k}' has no default")
    check('[1, 2]', { line: 1 }, 'expected a JSON object')
  })
})
