import { readFile } from 'node:fs/promises'
import { statSync } from 'node:fs'
import { AppError } from '@shared/errors'
import type { FileKind, FileReader } from '../../services/ports/FileReader'

/** Files on this machine's file system. */
export class FsFileReader implements FileReader {
  async read(path: string): Promise<Uint8Array> {
    try {
      return await readFile(path)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ENOENT') throw new AppError('not_found', `${path}: no such file`, { file: path })
      throw new AppError('bad_file', `${path}: cannot read: ${(error as Error).message}`, { file: path })
    }
  }

  kind(path: string): FileKind | null {
    const stats = statSync(path, { throwIfNoEntry: false })
    if (!stats) return null
    return stats.isFile() ? 'file' : stats.isDirectory() ? 'directory' : 'other'
  }
}
