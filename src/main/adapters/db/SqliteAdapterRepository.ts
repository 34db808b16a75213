import type { Role } from '@shared/roles'
import { NotFoundError } from '@shared/errors/NotFoundError'
import type { AdapterRecord, AdapterRepository, NewAdapter } from '../../services/ports/AdapterRepository'
import type { WorkbenchDatabase } from './WorkbenchDatabase'

interface AdapterDbRow {
  id: number
  name: string
  role: Role
  stage: string | null
  base_model_path: string
  gguf_path: string
  peft_dir: string | null
  training_job_id: number | null
  run_id: number | null
  created_at: string
}

const toRecord = (row: AdapterDbRow): AdapterRecord => ({
  id: row.id,
  name: row.name,
  role: row.role,
  stage: row.stage,
  baseModelPath: row.base_model_path,
  ggufPath: row.gguf_path,
  peftDir: row.peft_dir,
  trainingJobId: row.training_job_id,
  runId: row.run_id,
  createdAt: row.created_at
})

/** Trained LoRA adapters (GGUF files) registered by role; any role agent may load any of them on its base model. */
export class SqliteAdapterRepository implements AdapterRepository {
  constructor(private readonly store: WorkbenchDatabase) {}

  list(filter: { role?: Role } = {}): AdapterRecord[] {
    const rows = this.store.db
      .prepare('SELECT * FROM adapters WHERE (@role IS NULL OR role = @role) ORDER BY id DESC')
      .all({ role: filter.role ?? null }) as AdapterDbRow[]
    return rows.map(toRecord)
  }

  get(id: number): AdapterRecord {
    const row = this.store.db.prepare('SELECT * FROM adapters WHERE id = ?').get(id) as AdapterDbRow | undefined
    if (!row) throw new NotFoundError('adapter', id)
    return toRecord(row)
  }

  register(input: NewAdapter): AdapterRecord {
    const result = this.store.db
      .prepare(
        `INSERT INTO adapters (name, role, stage, base_model_path, gguf_path, peft_dir, training_job_id, run_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
      )
      .run(input.name, input.role, input.stage, input.baseModelPath, input.ggufPath, input.peftDir, input.trainingJobId, input.runId, new Date().toISOString())
    return this.get(Number(result.lastInsertRowid))
  }
}
