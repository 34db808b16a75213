import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { latestSchemaVersion } from '../../../../src/main/adapters/db/migrations'
import { WorkbenchDatabase, workbenchApplicationId } from '../../../../src/main/adapters/db/WorkbenchDatabase'
import { AppError } from '../../../../src/shared/errors'
import { makeTempDir } from '../../../support/paths'

function expectAppError(action: () => unknown, code: string, message: RegExp): void {
  let caught: unknown
  try {
    action()
  } catch (error) {
    caught = error
  }
  expect(caught).toBeInstanceOf(AppError)
  expect((caught as AppError).code).toBe(code)
  expect((caught as AppError).message).toMatch(message)
}

describe('WorkbenchDatabase', () => {
  let temp: ReturnType<typeof makeTempDir>
  beforeEach(() => {
    temp = makeTempDir()
  })
  afterEach(() => temp.cleanup())

  it('creates a new database in WAL mode with our id and the latest schema', () => {
    const path = join(temp.dir, 'new.sqlite')
    const store = WorkbenchDatabase.open(path)
    expect(store.schemaVersion).toBe(latestSchemaVersion)
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(store.db.pragma('application_id', { simple: true })).toBe(workbenchApplicationId)
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1)
    const tables = (store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map(
      (row) => row.name
    )
    for (const table of ['datasets', 'questions', 'prompt_templates', 'runs', 'tree_nodes', 'pairs', 'training_jobs', 'training_metrics', 'adapters', 'evaluations', 'eval_items']) {
      expect(tables).toContain(table)
    }
    store.close()
  })

  it('upgrades an old database, keeping its data and a backup of the old file', () => {
    const path = join(temp.dir, 'old.sqlite')
    const old = WorkbenchDatabase.open(path, { migrateTo: 1 })
    expect(old.schemaVersion).toBe(1)
    old.db.prepare("INSERT INTO datasets (name, benchmark, format, created_at) VALUES ('gsm8k', 'gsm8k', 'gsm8k', 'then')").run()
    old.db
      .prepare("INSERT INTO questions (dataset_id, split, external_id, ordinal, question, answer) VALUES (1, 'train', 'L1', 0, 'q?', '4')")
      .run()
    old.close()

    const upgraded = WorkbenchDatabase.open(path)
    expect(upgraded.migratedFrom).toBe(1)
    expect(upgraded.schemaVersion).toBe(latestSchemaVersion)
    expect(upgraded.db.prepare('SELECT question, answer FROM questions').all()).toEqual([{ question: 'q?', answer: '4' }])
    expect(upgraded.db.prepare('SELECT count(*) AS n FROM runs').get()).toEqual({ n: 0 })
    upgraded.close()
    const backup = `${path}.v1.bak`
    expect(existsSync(backup)).toBe(true)
    const fromBackup = new BetterSqlite3(backup, { readonly: true })
    expect(fromBackup.pragma('user_version', { simple: true })).toBe(1)
    expect(fromBackup.prepare('SELECT count(*) AS n FROM questions').get()).toEqual({ n: 1 })
    fromBackup.close()
  })

  it('refuses a file that is not SQLite and leaves it byte for byte as it was', () => {
    const path = join(temp.dir, 'notes.sqlite')
    writeFileSync(path, 'these are my notes, not a database\n'.repeat(100))
    const before = readFileSync(path)
    expectAppError(() => WorkbenchDatabase.open(path), 'database_not_ours', /not a SQLite database/)
    expect(readFileSync(path).equals(before)).toBe(true)
    expect(existsSync(`${path}-wal`)).toBe(false)
  })

  it("refuses another application's SQLite database and does not change it", () => {
    const path = join(temp.dir, 'other.sqlite')
    const other = new BetterSqlite3(path)
    other.exec("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('Ada');")
    other.close()
    const before = readFileSync(path)
    expectAppError(() => WorkbenchDatabase.open(path), 'database_not_ours', /another application/)
    expect(readFileSync(path).equals(before)).toBe(true)
  })

  it('refuses a database made by a newer workbench', () => {
    const path = join(temp.dir, 'future.sqlite')
    WorkbenchDatabase.open(path).close()
    const raw = new BetterSqlite3(path)
    raw.pragma(`user_version = ${latestSchemaVersion + 1}`)
    raw.close()
    expectAppError(() => WorkbenchDatabase.open(path), 'database_too_new', new RegExp(`schema version ${latestSchemaVersion + 1}`))
  })

  it('reports a damaged database as corrupt instead of overwriting it', () => {
    const path = join(temp.dir, 'damaged.sqlite')
    const store = WorkbenchDatabase.open(path)
    store.db.pragma('journal_mode = DELETE')
    store.close()
    const bytes = readFileSync(path)
    // Keep SQLite's header but scramble the page that holds the schema.
    for (let i = 100; i < Math.min(bytes.length, 4096); i++) bytes[i] = (i * 7) & 0xff
    writeFileSync(path, bytes)
    expectAppError(() => WorkbenchDatabase.open(path), 'database_corrupt', /damaged/)
    expect(readFileSync(path).equals(bytes)).toBe(true)
  })

  it('rolls a failed transaction back completely', () => {
    const store = WorkbenchDatabase.open(join(temp.dir, 'tx.sqlite'))
    expect(() =>
      store.transaction(() => {
        store.db.prepare("INSERT INTO datasets (name, benchmark, format, created_at) VALUES ('a', 'gsm8k', 'gsm8k', 'now')").run()
        store.db.prepare("INSERT INTO datasets (name, benchmark, format, created_at) VALUES ('a', 'gsm8k', 'gsm8k', 'now')").run()
      })
    ).toThrow(/UNIQUE/)
    expect(store.db.prepare('SELECT count(*) AS n FROM datasets').get()).toEqual({ n: 0 })
    store.close()
  })
})
