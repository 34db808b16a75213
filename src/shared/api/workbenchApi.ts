import type { ClientOf, HandlersOf, MethodId } from './procedure'
import { listMethodIds } from './procedure'
import type { WorkbenchEvents } from './events'
import { appApi } from './schemas/app'
import { datasetsApi } from './schemas/datasets'
import { endpointsApi } from './schemas/endpoints'
import { evaluationsApi } from './schemas/evaluations'
import { jobsApi } from './schemas/jobs'
import { modelsApi } from './schemas/models'
import { playgroundApi } from './schemas/playground'
import { promptsApi } from './schemas/prompts'
import { runsApi } from './schemas/runs'
import { trainingApi } from './schemas/training'

/**
 * The one API contract of the workbench. The desktop renderer reaches it over IPC, a browser over HTTP and
 * WebSocket (`malt serve`), and the CLI calls its handlers in-process. All three are built from this object,
 * so a method cannot exist on one transport and not another.
 */
export const workbenchApiSpec = {
  app: appApi,
  datasets: datasetsApi,
  endpoints: endpointsApi,
  evaluations: evaluationsApi,
  jobs: jobsApi,
  models: modelsApi,
  playground: playgroundApi,
  prompts: promptsApi,
  runs: runsApi,
  training: trainingApi
} as const

export type WorkbenchApiSpec = typeof workbenchApiSpec
export type WorkbenchMethodId = MethodId<WorkbenchApiSpec>

/** What clients call. */
export type WorkbenchApi = ClientOf<WorkbenchApiSpec> & { events: WorkbenchEvents }

/** What the service side implements. */
export type WorkbenchHandlers = HandlersOf<WorkbenchApiSpec>

export const workbenchMethodIds: readonly WorkbenchMethodId[] = listMethodIds(workbenchApiSpec)
