import type { DataFolderEntry } from '@shared/api/schemas/datasets'

/**
 * The folder of JSONL data sets the workbench offers for import. A client names files by their path relative to it,
 * and only files the folder lists can be read: the implementation keeps every read inside the folder.
 */
export interface DataFolder {
  /** The folder, or null when none is configured. */
  readonly root: string | null
  /** Every .jsonl file under the root (a few levels deep), with a guess of its format and name. */
  list(): DataFolderEntry[]
  /** A listed file's bytes; `invalid_input` for a path outside the folder, `not_found` for one it does not list. */
  read(relativePath: string): { bytes: Uint8Array; fileName: string }
}
