/** The files of one training job, all inside its folder. */
export interface JobFiles {
  dir: string
  /** The exported JSONL (TRL conversational format). */
  trainFile: string
  /** The runner config. */
  configPath: string
  /** The runner's output_dir: adapter/, adapter.gguf, checkpoints/. */
  outputDir: string
  /** The runner's stderr. */
  logPath: string
}

/**
 * Where training jobs keep their files: one folder per job with its training data, runner config, log and output.
 * The file-system adapter keeps them beside the database, so a database and its adapters move together.
 */
export interface TrainingWorkspace {
  filesOf(jobId: number): JobFiles
  /** Writes the training lines (streamed, so a large set never sits in memory twice); returns how many. */
  writeTrainFile(path: string, lines: Iterable<string>): Promise<number>
  writeJson(path: string, value: unknown): void
  /** Appends a line to a job's log (what the workbench itself has to say, e.g. why a job was skipped). */
  appendLog(path: string, line: string): void
  isFile(path: string): boolean
  exists(path: string): boolean
  /** The last `maxChars` characters of a text file ('' when it does not exist). Defaults to 16 000 characters. */
  readTail(path: string | null, maxChars?: number): string
}
