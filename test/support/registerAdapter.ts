import type { Workbench } from '../../src/main/app/Workbench'
import { SqliteAdapterRepository } from '../../src/main/adapters/db/SqliteAdapterRepository'
import type { AdapterRecord, NewAdapter } from '../../src/main/services/ports/AdapterRepository'

/**
 * Registers a LoRA adapter in a workbench's store, as a finished training job does, for tests that bring their own
 * GGUF adapter files (the workbench itself exposes no repositories).
 */
export function registerAdapter(workbench: Workbench, adapter: NewAdapter): AdapterRecord {
  return new SqliteAdapterRepository(workbench.store).register(adapter)
}
