/** What is at a path, as far as a service needs to know before it hands the path on. */
export type FileKind = 'file' | 'directory' | 'other'

/**
 * Reading files a person named (a dataset to import, a model to register, an adapter to load). The file-system
 * adapter implements it, so services never touch `node:fs` and tests may give a folder of their own.
 */
export interface FileReader {
  /** The whole file; an AppError naming it when it is missing (`not_found`) or unreadable (`bad_file`). */
  read(path: string): Promise<Uint8Array>
  /** What is at `path`, or null when nothing is. */
  kind(path: string): FileKind | null
}
