import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Workbench } from '../../../src/main/app/Workbench'
import { dispatchCall } from '../../../src/main/api/dispatchCall'
import { AppError } from '../../../src/shared/errors'
import { makeTempDir, sharedDataDir } from '../../support/paths'

/**
 * A full disk, for real: SQLite's max_page_count caps the file at its current size, so the next write fails with
 * SQLITE_FULL exactly as on a full disk. The API answers with a clear error naming the database, and nothing stored
 * before is lost; once there is room again the same call succeeds.
 */
describe('a full disk under the store', () => {
  let temp: ReturnType<typeof makeTempDir>
  let workbench: Workbench
  let databasePath: string
  beforeEach(() => {
    temp = makeTempDir()
    databasePath = join(temp.dir, 'w.sqlite')
    workbench = Workbench.open({ databasePath, dataFolder: sharedDataDir(), transport: 'serve' })
  })
  afterEach(async () => {
    await workbench.dispose()
    temp.cleanup()
  })

  const importFromDataFolder = (relativePath: string, name: string) =>
    dispatchCall(workbench.handlers, 'datasets.import', { name, format: 'gsm8k', source: { kind: 'dataFolder', relativePath } })

  it('refuses the write with disk_full naming the file, keeps what was stored, and works again once there is room', async () => {
    await importFromDataFolder('gsm8k/test.jsonl', 'gsm8k')
    const before = workbench.datasets.list()
    expect(before.map((dataset) => [dataset.name, dataset.questionCount])).toEqual([['gsm8k', 1319]])

    const pages = workbench.store.db.pragma('page_count', { simple: true }) as number
    workbench.store.db.pragma(`max_page_count = ${pages}`)
    const failure = await importFromDataFolder('gsm8k/train.jsonl', 'gsm8k-train').catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(AppError)
    expect(failure).toMatchObject({ code: 'disk_full', location: { file: databasePath } })
    expect((failure as AppError).message).toMatch(/disk is full.*nothing stored before it was lost/)
    // All or nothing: the failed import left no partial dataset, and the earlier one is whole.
    expect(workbench.datasets.list()).toEqual(before)

    workbench.store.db.pragma('max_page_count = 1073741823')
    await importFromDataFolder('gsm8k/train.jsonl', 'gsm8k-train')
    expect(workbench.datasets.list().map((dataset) => [dataset.name, dataset.questionCount])).toEqual([
      ['gsm8k', 1319],
      ['gsm8k-train', 7473]
    ])
  })
})
