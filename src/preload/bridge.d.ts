import type { WireResult } from '@shared/api/channels'
import type { WorkbenchEvent } from '@shared/api/events'
import type { ApiSpec, Procedure } from '@shared/api/procedure'
import type { WorkbenchApiSpec } from '@shared/api/workbenchApi'
import type { z } from 'zod'

/** The preload's calls answer with wire results, so error codes survive contextBridge (which drops error classes). */
type WireMethod<P> = P extends Procedure<infer I, infer O> ? (input?: z.input<I>) => Promise<WireResult<z.output<O>>> : never
export type WireClientOf<S extends ApiSpec> = { [G in keyof S]: { [M in keyof S[G]]: WireMethod<S[G][M]> } }

/** `window.maltBridge`, as the preload exposes it and the renderer uses it. */
export interface MaltBridge {
  calls: WireClientOf<WorkbenchApiSpec>
  subscribe(listener: (event: WorkbenchEvent) => void): () => void
}
