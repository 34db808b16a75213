/**
 * What services need of the store as a whole: several writes that land together or not at all, and the store's own
 * failures (a full disk, a damaged file) in words that name the file. The SQLite adapter implements it.
 */
export interface TransactionRunner {
  /** Runs `work` in one transaction; an exception rolls everything back and is rethrown. */
  transaction<T>(work: () => T): T
  /**
   * A store failure as an AppError naming the database file and saying what was kept; anything else (an AppError
   * included) comes back unchanged.
   */
  translateError(error: unknown): unknown
}
