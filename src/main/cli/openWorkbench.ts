import { resolve } from 'node:path'
import { Workbench } from '../app/Workbench'
import { defaultDatabasePath } from '../app/resolvePaths'

/** The `--db` option every store-backed command takes; defaults to the desktop app's own database. */
export const dbOptionFlags = '--db <file>'
export const dbOptionDescription = 'workbench database (SQLite); defaults to MALT_DB or the desktop app’s database'

export function databasePathOf(options: { db?: string }): string {
  return options.db ? resolve(options.db) : defaultDatabasePath()
}

/** Opens the workbench for one command and always closes it, so the SQLite WAL is checkpointed on exit. */
export async function withWorkbench<T>(
  options: { db?: string },
  work: (workbench: Workbench) => Promise<T> | T,
  transport: 'cli' | 'serve' = 'cli'
): Promise<T> {
  const workbench = Workbench.open({ databasePath: databasePathOf(options), transport })
  try {
    return await work(workbench)
  } finally {
    await workbench.dispose()
  }
}
