import { readdirSync, readFileSync, statSync } from 'node:fs'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import type { DataFolderEntry } from '@shared/api/schemas/datasets'
import { AppError } from '@shared/errors'
import { guessDatasetOfPath } from '../../domain/datasets/guessDatasetOfPath'
import type { DataFolder } from '../../services/ports/DataFolder'

/**
 * A folder of JSONL data sets the user pointed the workbench at (by default ../shared/data next to the checkout, or
 * MALT_DATA_DIR). Clients may only name files this class listed: a relative path from the renderer is resolved,
 * checked to stay inside the folder and to be a listed .jsonl file before anything is read.
 */
export class FsDataFolder implements DataFolder {
  constructor(readonly root: string | null) {}

  list(): DataFolderEntry[] {
    if (!this.root) return []
    const entries: DataFolderEntry[] = []
    const walk = (dir: string, depth: number): void => {
      if (depth > 3) return
      let names: string[]
      try {
        names = readdirSync(dir).sort()
      } catch {
        return
      }
      for (const name of names) {
        if (name.startsWith('.')) continue
        const full = join(dir, name)
        const stats = statSync(full, { throwIfNoEntry: false })
        if (!stats) continue
        if (stats.isDirectory()) walk(full, depth + 1)
        else if (stats.isFile() && name.endsWith('.jsonl')) {
          const relativePath = relative(this.root as string, full).split(sep).join('/')
          entries.push({ relativePath, sizeBytes: stats.size, ...guessDatasetOfPath(relativePath) })
        }
      }
    }
    walk(this.root, 0)
    return entries
  }

  read(relativePath: string): { bytes: Uint8Array; fileName: string } {
    if (!this.root) throw new AppError('unavailable', 'no data folder is configured (set MALT_DATA_DIR)')
    const full = resolve(this.root, relativePath)
    const inside = relative(resolve(this.root), full)
    if (inside === '' || inside.split(sep).includes('..') || isAbsolute(inside)) {
      throw new AppError('invalid_input', `'${relativePath}' is outside the data folder`, { field: 'relativePath' })
    }
    if (!this.list().some((entry) => entry.relativePath === inside.split(sep).join('/'))) {
      throw new AppError('not_found', `'${relativePath}' is not a .jsonl file in the data folder`, { field: 'relativePath' })
    }
    return { bytes: readFileSync(full), fileName: relativePath }
  }
}

