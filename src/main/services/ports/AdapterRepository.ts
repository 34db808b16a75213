import type { Role } from '@shared/roles'

export interface AdapterRecord {
  id: number
  name: string
  role: Role
  stage: string | null
  baseModelPath: string
  ggufPath: string
  peftDir: string | null
  trainingJobId: number | null
  runId: number | null
  createdAt: string
}

export type NewAdapter = Omit<AdapterRecord, 'id' | 'createdAt'>

/** Trained LoRA adapters (GGUF files) registered by role; any role agent may load any of them on its base model. */
export interface AdapterRepository {
  /** Newest first. */
  list(filter?: { role?: Role }): AdapterRecord[]
  /** `not_found` when there is none. */
  get(id: number): AdapterRecord
  register(input: NewAdapter): AdapterRecord
}
