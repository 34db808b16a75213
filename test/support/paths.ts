import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const repoRoot = resolve(__dirname, '..', '..')

/**
 * The shared data sets (GSM8K, MATH, CSQA, GSM-Symbolic). Tests read the real files; if they are missing the test
 * fails and says where it looked, rather than skipping.
 */
export function sharedDataDir(): string {
  const dir = process.env.MALT_DATA_DIR ? resolve(process.env.MALT_DATA_DIR) : resolve(repoRoot, '..', 'shared', 'data')
  if (!existsSync(join(dir, 'gsm8k', 'train.jsonl'))) {
    throw new Error(`shared data not found at ${dir}: set MALT_DATA_DIR to the folder holding gsm8k/, math/, csqa/, gsm_symbolic/`)
  }
  return dir
}

export function sharedDataFile(relativePath: string): string {
  return join(sharedDataDir(), relativePath)
}

/** A fresh temporary folder, removed by the returned cleanup. */
export function makeTempDir(prefix = 'malt-test-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Where tests leave artifacts a person may want to look at (screenshots). */
export const testOutputDir = join(repoRoot, 'test-output')
