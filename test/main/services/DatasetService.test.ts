import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Workbench } from '../../../src/main/app/Workbench'
import { AppError } from '../../../src/shared/errors'
import { makeTempDir, sharedDataDir, sharedDataFile } from '../../support/paths'

describe('DatasetService on the real shared data', () => {
  let temp: ReturnType<typeof makeTempDir>
  let workbench: Workbench
  beforeEach(() => {
    temp = makeTempDir()
    workbench = Workbench.open({ databasePath: join(temp.dir, 'w.sqlite'), dataFolder: sharedDataDir(), transport: 'cli' })
  })
  afterEach(async () => {
    await workbench.dispose()
    temp.cleanup()
  })

  it('imports every supported benchmark file with the documented record counts', async () => {
    const imports = [
      { file: 'gsm8k/train.jsonl', format: 'gsm8k', name: 'gsm8k', split: 'train', count: 7473 },
      { file: 'gsm8k/test.jsonl', format: 'gsm8k', name: 'gsm8k', split: 'test', count: 1319 },
      { file: 'math/test.jsonl', format: 'math', name: 'math', split: 'test', count: 5000 },
      { file: 'math/math500_test.jsonl', format: 'math', name: 'math500', split: 'test', count: 500 },
      { file: 'csqa/train_rand_split.jsonl', format: 'csqa', name: 'csqa', split: 'train', count: 9741 },
      { file: 'csqa/dev_rand_split.jsonl', format: 'csqa', name: 'csqa', split: 'dev', count: 1221 },
      { file: 'gsm_symbolic/templates_symbolic.jsonl', format: 'gsm-symbolic', name: 'gsm-symbolic', split: 'test', count: 100 }
    ] as const
    for (const entry of imports) {
      const report = await workbench.datasets.importFile(sharedDataFile(entry.file), { name: entry.name, format: entry.format, split: entry.split })
      expect(report, entry.file).toMatchObject({ added: entry.count, skipped: 0, split: entry.split })
    }
    const summary = Object.fromEntries(workbench.datasets.list().map((d) => [d.name, [d.benchmark, d.questionCount]]))
    expect(summary).toEqual({
      gsm8k: ['gsm8k', 8792],
      math: ['math', 5000],
      math500: ['math', 500],
      csqa: ['csqa', 10962],
      'gsm-symbolic': ['gsm8k', 100]
    })
    const page = workbench.datasets.questions({ datasetId: 1, split: 'test', offset: 0, limit: 2 })
    expect(page.total).toBe(1319)
    expect(page.items[0]).toMatchObject({ ordinal: 0, answer: '18' })
    expect(page.items[0]!.question).toMatch(/^Janet’s ducks lay 16 eggs/)
  })

  it('re-importing the same file changes nothing', async () => {
    const file = sharedDataFile('gsm8k/test.jsonl')
    const first = await workbench.datasets.importFile(file, { name: 'gsm8k', format: 'gsm8k' })
    const second = await workbench.datasets.importFile(file, { name: 'gsm8k', format: 'gsm8k' })
    expect(first).toMatchObject({ split: 'test', added: 1319, alreadyImported: false })
    expect(second).toMatchObject({ split: 'test', added: 0, unchanged: 1319, alreadyImported: true })
    expect(workbench.datasets.list()[0]!.questionCount).toBe(1319)
  })

  it('MATH train has two empty gold answers: strict import stores nothing and names the line, skipping reports both', async () => {
    const file = sharedDataFile('math/train.jsonl')
    let caught: unknown
    try {
      await workbench.datasets.importFile(file, { name: 'math', format: 'math' })
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(AppError)
    expect((caught as AppError).code).toBe('bad_file')
    expect((caught as AppError).location).toMatchObject({ file, field: 'answer' })
    expect((caught as AppError).message).toMatch(/train\.jsonl:\d+ field 'answer': empty gold answer \(and 1 more bad lines/)
    expect(workbench.datasets.list()).toEqual([])

    const report = await workbench.datasets.importFile(file, { name: 'math', format: 'math', skipBadLines: true })
    expect(report).toMatchObject({ added: 7498, skipped: 2 })
    expect(report.problems.map((p) => p.field)).toEqual(['answer', 'answer'])
  })

  it('a broken file imports nothing and keeps what was stored before', async () => {
    await workbench.datasets.importFile(sharedDataFile('gsm8k/test.jsonl'), { name: 'gsm8k', format: 'gsm8k' })
    const original = readFileSync(sharedDataFile('gsm8k/train.jsonl'), 'utf8').split('\n').slice(0, 50)
    original[36] = '{"question": "cut off'
    const broken = join(temp.dir, 'train.jsonl')
    writeFileSync(broken, original.join('\n'))
    await expect(workbench.datasets.importFile(broken, { name: 'gsm8k', format: 'gsm8k' })).rejects.toMatchObject({
      code: 'bad_file',
      location: { file: broken, line: 37 }
    })
    expect(workbench.datasets.list()[0]!.splits).toEqual([{ split: 'test', count: 1319 }])
  })

  it('a different question under an existing id is a conflict, and nothing of that file is stored', async () => {
    const a = join(temp.dir, 'a_train.jsonl')
    const b = join(temp.dir, 'b_train.jsonl')
    writeFileSync(a, `${JSON.stringify({ problem: 'p1', answer: '1', unique_id: 'u1' })}\n`)
    writeFileSync(b, [{ problem: 'p2', answer: '2', unique_id: 'u2' }, { problem: 'changed', answer: '1', unique_id: 'u1' }].map((r) => JSON.stringify(r)).join('\n'))
    await workbench.datasets.importFile(a, { name: 'm', format: 'math' })
    await expect(workbench.datasets.importFile(b, { name: 'm', format: 'math' })).rejects.toMatchObject({ code: 'conflict', location: { line: 2 } })
    expect(workbench.datasets.list()[0]!.questionCount).toBe(1)
  })

  it('lists the data folder with guessed formats and imports only files it listed', () => {
    const { entries } = workbench.datasets.listDataFolder()
    expect(entries.find((e) => e.relativePath === 'math/math500_test.jsonl')).toMatchObject({
      suggestedFormat: 'math',
      suggestedName: 'math500',
      suggestedSplit: 'test'
    })
    expect(entries.find((e) => e.relativePath === 'csqa/dev_rand_split.jsonl')).toMatchObject({ suggestedFormat: 'csqa', suggestedSplit: 'dev' })
    expect(() => workbench.datasets.importFromDataFolder('../../etc/passwd', { name: 'x', format: 'gsm8k' })).toThrow(/outside the data folder/)
    expect(() => workbench.datasets.importFromDataFolder('README.md', { name: 'x', format: 'gsm8k' })).toThrow(/not a .jsonl file/)
    const report = workbench.datasets.importFromDataFolder('math/math500_test.jsonl', { name: 'math500', format: 'math' })
    expect(report).toMatchObject({ added: 500, split: 'test' })
  })

  it('removes a dataset and its questions', async () => {
    await workbench.datasets.importFile(sharedDataFile('csqa/dev_rand_split.jsonl'), { name: 'csqa', format: 'csqa' })
    expect(workbench.datasets.remove(1)).toBe(true)
    expect(workbench.datasets.list()).toEqual([])
    expect(workbench.store.db.prepare('SELECT count(*) AS n FROM questions').get()).toEqual({ n: 0 })
  })
})
