import type { AppInfo } from '@shared/api/schemas/app'
import type { DatasetService } from '../services/DatasetService'
import type { EndpointService } from '../services/EndpointService'
import type { EvaluationService } from '../services/EvaluationService'
import type { JobManager } from '../services/JobManager'
import type { ModelService } from '../services/ModelService'
import type { PlaygroundService } from '../services/PlaygroundService'
import type { PromptService } from '../services/PromptService'
import type { TrainingService } from '../services/TrainingService'
import type { TreeSearchService } from '../services/TreeSearchService'

/** The services the API is mapped onto; the composition root (app/Workbench) provides them. */
export interface WorkbenchServices {
  info(): AppInfo
  readonly datasets: DatasetService
  readonly endpoints: EndpointService
  readonly evaluations: EvaluationService
  readonly jobs: JobManager
  readonly prompts: PromptService
  readonly models: ModelService
  readonly playground: PlaygroundService
  readonly training: TrainingService
  readonly runs: TreeSearchService
}
