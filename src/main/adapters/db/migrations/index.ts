import type BetterSqlite3 from 'better-sqlite3'
import { m001Datasets } from './m001Datasets'
import { m002Runs } from './m002Runs'
import { m003Training } from './m003Training'
import { m004Evaluations } from './m004Evaluations'
import { m005Playground } from './m005Playground'
import { m006Endpoints } from './m006Endpoints'

/**
 * A schema change. Migrations run in order inside one transaction each, and `PRAGMA user_version` records the last
 * one applied. Never edit a migration that has shipped: add a new one, so every old database can be brought up.
 */
export interface Migration {
  version: number
  name: string
  up(db: BetterSqlite3.Database): void
}

export const migrations: readonly Migration[] = [m001Datasets, m002Runs, m003Training, m004Evaluations, m005Playground, m006Endpoints]

export const latestSchemaVersion = migrations[migrations.length - 1]!.version
