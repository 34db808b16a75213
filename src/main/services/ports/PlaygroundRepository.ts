import type { PlaygroundSession } from '@shared/api/schemas/playground'

/** The playground's history of prompt variants and what they produced. */
export interface PlaygroundRepository {
  save(session: Omit<PlaygroundSession, 'id' | 'createdAt'>): number
  /** Newest first. */
  list(limit: number): PlaygroundSession[]
}
