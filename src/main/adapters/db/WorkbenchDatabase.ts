import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs'
import BetterSqlite3 from 'better-sqlite3'
import { AppError } from '@shared/errors'
import type { TransactionRunner } from '../../services/ports/TransactionRunner'
import { latestSchemaVersion, migrations } from './migrations'

/** `PRAGMA application_id` of every workbench database: "MALT" in ASCII. */
export const workbenchApplicationId = 0x4d414c54

const sqliteHeader = Buffer.from('SQLite format 3\0', 'latin1')

export interface WorkbenchDatabaseOptions {
  /**
   * Apply migrations only up to this schema version. Only tests use it, to make an "old" database.
   * Defaults to the latest version.
   */
  migrateTo?: number
  /**
   * Before migrating an existing database, copy it to `<file>.v<old>.bak` (`VACUUM INTO`).
   * Defaults to `true`.
   */
  backupBeforeMigrating?: boolean
  /**
   * A better-sqlite3 addon built for another runtime. The desktop app passes its Electron-ABI build; the CLI and
   * the tests use the Node build from node_modules. Defaults to the one in node_modules.
   */
  nativeBinding?: string
}

/**
 * The workbench's SQLite store. Opening checks that the file is ours before anything is written to it: a file that
 * is not SQLite, a SQLite database of another application, or one made by a newer workbench is refused with a clear
 * error and left untouched. Then it switches to WAL and brings the schema up to date, one transaction per migration.
 */
export class WorkbenchDatabase implements TransactionRunner {
  private constructor(
    readonly db: BetterSqlite3.Database,
    readonly path: string,
    readonly migratedFrom: number
  ) {}

  static open(path: string, options: WorkbenchDatabaseOptions = {}): WorkbenchDatabase {
    const target = options.migrateTo ?? latestSchemaVersion
    const inMemory = path === ':memory:'
    if (!inMemory) assertSqliteHeader(path)

    let db: BetterSqlite3.Database
    try {
      db = new BetterSqlite3(path, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {})
    } catch (error) {
      throw new AppError('database_corrupt', `${path}: cannot open the database: ${(error as Error).message}`, { file: path }, { cause: error })
    }
    try {
      const from = identify(db, path)
      db.pragma('journal_mode = WAL')
      db.pragma('synchronous = NORMAL')
      db.pragma('foreign_keys = ON')
      db.pragma('busy_timeout = 5000')
      if (from < target) {
        if (from > 0 && !inMemory && options.backupBeforeMigrating !== false) backup(db, `${path}.v${from}.bak`)
        migrate(db, from, target)
      }
      return new WorkbenchDatabase(db, path, from)
    } catch (error) {
      db.close()
      throw translateSqliteError(error, path)
    }
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number
  }

  /** Runs `work` in one transaction; an exception rolls everything back. */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work)()
  }

  translateError(error: unknown): unknown {
    return translateSqliteError(error, this.path)
  }

  close(): void {
    if (this.db.open) this.db.close()
  }
}

/** A file that exists and is not empty must start with SQLite's header, or it is not ours to open. */
function assertSqliteHeader(path: string): void {
  if (!existsSync(path)) return
  const stats = statSync(path)
  if (stats.isDirectory()) throw new AppError('invalid_input', `${path} is a folder, not a database file`, { file: path })
  if (stats.size === 0) return
  const header = Buffer.alloc(sqliteHeader.length)
  const fd = openSync(path, 'r')
  try {
    readSync(fd, header, 0, header.length, 0)
  } finally {
    closeSync(fd)
  }
  if (!header.equals(sqliteHeader)) {
    throw new AppError(
      'database_not_ours',
      `${path} is not a SQLite database (wrong header); it was not opened and nothing was written to it`,
      { file: path }
    )
  }
}

/** Returns the schema version of a workbench database (0 for a new, empty one) or throws if it is not ours. */
function identify(db: BetterSqlite3.Database, path: string): number {
  const applicationId = db.pragma('application_id', { simple: true }) as number
  const version = db.pragma('user_version', { simple: true }) as number
  if (applicationId === 0) {
    const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").get() as { n: number }
    if (tables.n > 0 || version !== 0) {
      throw new AppError(
        'database_not_ours',
        `${path} is a SQLite database of another application (${tables.n} tables, no MALT Workbench id); it was not changed`,
        { file: path }
      )
    }
    db.pragma(`application_id = ${workbenchApplicationId}`)
    return 0
  }
  if (applicationId !== workbenchApplicationId) {
    throw new AppError(
      'database_not_ours',
      `${path} belongs to another application (application_id ${applicationId}); it was not changed`,
      { file: path }
    )
  }
  if (version > latestSchemaVersion) {
    throw new AppError(
      'database_too_new',
      `${path} has schema version ${version}, made by a newer MALT Workbench; this one knows up to ${latestSchemaVersion}. Upgrade the workbench to open it`,
      { file: path }
    )
  }
  return version
}

function migrate(db: BetterSqlite3.Database, from: number, to: number): void {
  for (const migration of migrations) {
    if (migration.version <= from || migration.version > to) continue
    db.transaction(() => {
      migration.up(db)
      db.pragma(`user_version = ${migration.version}`)
    })()
  }
}

function backup(db: BetterSqlite3.Database, destination: string): void {
  if (existsSync(destination)) return
  db.prepare('VACUUM INTO ?').run(destination)
}

/** SQLite's own errors, in words a researcher can act on. */
export function translateSqliteError(error: unknown, path: string): unknown {
  if (error instanceof AppError) return error
  const code = (error as { code?: string }).code
  const message = (error as Error).message
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || code === 'SQLITE_CORRUPT_VTAB') {
    return new AppError('database_corrupt', `${path} is damaged (${message}); it was not changed. Restore a backup (*.bak) or choose another file`, { file: path }, { cause: error })
  }
  if (code === 'SQLITE_FULL') {
    return new AppError('disk_full', `${path}: the disk is full (${message}); the last change was rolled back and nothing stored before it was lost`, { file: path }, { cause: error })
  }
  if (code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM') {
    return new AppError('unavailable', `${path}: ${message}`, { file: path }, { cause: error })
  }
  return error
}
