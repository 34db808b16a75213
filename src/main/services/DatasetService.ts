import type { Benchmark } from '@shared/benchmarks'
import { createHash } from 'node:crypto'
import { basename } from 'node:path'
import type {
  DataFolderEntry,
  DatasetFormat,
  DatasetSummary,
  FieldMapping,
  ImportDatasetRequest,
  ImportReport,
  QuestionRow
} from '@shared/api/schemas/datasets'
import { AppError } from '@shared/errors'
import { guessSplitFromFileName } from '../domain/datasets/guessSplitFromFileName'
import { parseDatasetFile } from '../domain/datasets/parseDatasetFile'
import type { EventBus } from './EventBus'
import type { DataFolder } from './ports/DataFolder'
import type { DatasetRepository } from './ports/DatasetRepository'
import type { FileReader } from './ports/FileReader'
import type { TransactionRunner } from './ports/TransactionRunner'

export interface ImportOptions {
  name: string
  format: DatasetFormat
  /** Defaults to what the file name says (train, test, dev), else `train`. */
  split?: string
  benchmark?: Benchmark
  mapping?: FieldMapping
  /** Import the good lines and report the bad ones instead of importing nothing. Defaults to `false`. */
  skipBadLines?: boolean
}

/** How many line problems a report carries; the count of skipped lines is always exact. */
const maxReportedProblems = 20

export class DatasetService {
  constructor(
    private readonly store: TransactionRunner,
    private readonly datasets: DatasetRepository,
    private readonly dataFolder: DataFolder,
    private readonly files: FileReader,
    private readonly events: EventBus
  ) {}

  list(): DatasetSummary[] {
    return this.datasets.list()
  }

  async importFile(path: string, options: ImportOptions): Promise<ImportReport> {
    return this.importBytes(await this.files.read(path), path, options)
  }

  /** An import as the API asks for it: a file of the data folder, or uploaded bytes. */
  importDataset(input: ImportDatasetRequest): ImportReport {
    const options: ImportOptions = {
      name: input.name,
      format: input.format,
      skipBadLines: input.skipBadLines,
      ...(input.split ? { split: input.split } : {}),
      ...(input.benchmark ? { benchmark: input.benchmark } : {}),
      ...(input.mapping ? { mapping: input.mapping } : {})
    }
    if (input.source.kind === 'dataFolder') return this.importFromDataFolder(input.source.relativePath, options)
    return this.importBytes(Buffer.from(input.source.contentBase64, 'base64'), input.source.fileName, options)
  }

  importFromDataFolder(relativePath: string, options: ImportOptions): ImportReport {
    const { bytes, fileName } = this.dataFolder.read(relativePath)
    return this.importBytes(bytes, fileName, options)
  }

  listDataFolder(): { root: string | null; entries: DataFolderEntry[] } {
    return { root: this.dataFolder.root, entries: this.dataFolder.list() }
  }

  /**
   * Parses the whole file first; only then writes, in one transaction. So a file with a bad line imports nothing
   * (unless bad lines may be skipped), and importing the same file twice changes nothing the second time.
   */
  importBytes(bytes: Uint8Array, fileName: string, options: ImportOptions): ImportReport {
    const split = options.split ?? guessSplitFromFileName(basename(fileName))
    const parsed = parseDatasetFile(bytes, {
      format: options.format,
      fileName,
      ...(options.mapping ? { mapping: options.mapping } : {}),
      ...(options.benchmark ? { benchmark: options.benchmark } : {})
    })
    if (parsed.problems.length > 0 && !options.skipBadLines) {
      const first = parsed.problems[0]!
      const more = parsed.problems.length > 1 ? ` (and ${parsed.problems.length - 1} more bad lines; --skip-bad-lines imports the rest)` : ''
      throw new AppError(
        'bad_file',
        `${fileName}:${first.line}${first.field ? ` field '${first.field}'` : ''}: ${first.message}${more}; nothing was imported`,
        { file: fileName, line: first.line, ...(first.field ? { field: first.field } : {}) }
      )
    }
    if (parsed.questions.length === 0) {
      throw new AppError('bad_file', `${fileName}: no questions found (${parsed.lineCount} non-empty lines)`, { file: fileName })
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex')

    let report: ImportReport
    try {
      report = this.store.transaction(() => {
        let dataset = this.datasets.findByName(options.name)
        if (dataset && dataset.benchmark !== parsed.benchmark) {
          throw new AppError(
            'conflict',
            `dataset '${options.name}' is graded as ${dataset.benchmark}, but ${fileName} is ${parsed.benchmark}; choose another name`,
            { field: 'name' }
          )
        }
        const alreadyImported = dataset ? this.datasets.hasImport(dataset.id, split, sha256) : false
        dataset ??= this.datasets.create({ name: options.name, benchmark: parsed.benchmark, format: options.format })
        const stored = this.datasets.storeQuestions(dataset.id, split, parsed.questions, fileName)
        this.datasets.recordImport({
          datasetId: dataset.id,
          split,
          fileName: basename(fileName),
          sha256,
          added: stored.added,
          skipped: parsed.problems.length
        })
        return {
          datasetId: dataset.id,
          name: dataset.name,
          split,
          fileName: basename(fileName),
          added: stored.added,
          unchanged: stored.unchanged,
          skipped: parsed.problems.length,
          problems: parsed.problems.slice(0, maxReportedProblems),
          alreadyImported
        }
      })
    } catch (error) {
      throw this.store.translateError(error)
    }
    this.events.changed('datasets')
    return report
  }

  questions(input: { datasetId: number; split?: string; search?: string; offset: number; limit: number }): {
    total: number
    items: QuestionRow[]
  } {
    this.datasets.get(input.datasetId)
    return this.datasets.questionPage(input)
  }

  remove(datasetId: number): boolean {
    const removed = this.datasets.remove(datasetId)
    if (removed) this.events.changed('datasets')
    return removed
  }
}
