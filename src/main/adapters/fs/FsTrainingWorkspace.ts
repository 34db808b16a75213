import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync, statSync, writeFileSync, createWriteStream } from 'node:fs'
import { join, resolve } from 'node:path'
import { once } from 'node:events'
import type { JobFiles, TrainingWorkspace } from '../../services/ports/TrainingWorkspace'

/**
 * Where training jobs keep their files: `<root>/job-<id>/{train.jsonl, config.json, runner.log, output/}`. The root
 * sits beside the database by default, so a database and its adapters move together.
 */
export class FsTrainingWorkspace implements TrainingWorkspace {
  readonly root: string

  constructor(root: string) {
    this.root = resolve(root)
  }

  filesOf(jobId: number): JobFiles {
    const dir = join(this.root, `job-${jobId}`)
    return { dir, trainFile: join(dir, 'train.jsonl'), configPath: join(dir, 'config.json'), outputDir: join(dir, 'output'), logPath: join(dir, 'runner.log') }
  }

  /** Writes the training lines (streamed, so a large set never sits in memory twice); returns how many. */
  async writeTrainFile(path: string, lines: Iterable<string>): Promise<number> {
    mkdirSync(join(path, '..'), { recursive: true })
    const out = createWriteStream(path, { flags: 'w' })
    let count = 0
    try {
      for (const line of lines) {
        count++
        if (!out.write(`${line}\n`)) await once(out, 'drain')
      }
    } finally {
      out.end()
      await once(out, 'close')
    }
    return count
  }

  writeJson(path: string, value: unknown): void {
    mkdirSync(join(path, '..'), { recursive: true })
    writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`)
  }

  /** Appends a line to a job's log (what the workbench itself has to say, e.g. why a job was skipped). */
  appendLog(path: string, line: string): void {
    mkdirSync(join(path, '..'), { recursive: true })
    writeFileSync(path, `${line}\n`, { flag: 'a' })
  }

  isFile(path: string): boolean {
    try {
      return statSync(path).isFile()
    } catch {
      return false
    }
  }

  exists(path: string): boolean {
    return existsSync(path)
  }

  /** The last `maxChars` characters of a text file ('' when it does not exist). */
  readTail(path: string | null, maxChars = 16_000): string {
    if (!path || !existsSync(path)) return ''
    const fd = openSync(path, 'r')
    try {
      const size = fstatSync(fd).size
      const length = Math.min(size, maxChars * 4)
      const buffer = Buffer.alloc(length)
      readSync(fd, buffer, 0, length, size - length)
      return buffer.toString('utf8').slice(-maxChars)
    } finally {
      closeSync(fd)
    }
  }
}
