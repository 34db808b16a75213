import type { WorkbenchHandlers } from '@shared/api/workbenchApi'
import type { WorkbenchServices } from './WorkbenchServices'

/**
 * Maps the API contract onto the services. Handlers receive input already validated against the contract's
 * schemas (see dispatchCall) and hold no logic of their own: at most they wrap a service's answer in the contract's
 * shape.
 */
export function createApiHandlers(workbench: WorkbenchServices): WorkbenchHandlers {
  return {
    app: {
      info: () => workbench.info()
    },
    datasets: {
      list: () => workbench.datasets.list(),
      import: (input) => workbench.datasets.importDataset(input),
      questions: (input) => workbench.datasets.questions(input),
      remove: (input) => ({ removed: workbench.datasets.remove(input.datasetId) }),
      dataFolder: () => workbench.datasets.listDataFolder()
    },
    evaluations: {
      configurations: (input) => workbench.evaluations.configurations(input ?? {}),
      list: () => workbench.evaluations.list(),
      get: (input) => workbench.evaluations.get(input.evaluationId),
      create: (input) => workbench.evaluations.create(input),
      resume: (input) => workbench.evaluations.resume(input.evaluationId),
      pause: (input) => ({ paused: workbench.evaluations.pause(input.evaluationId) }),
      remove: (input) => ({ removed: workbench.evaluations.remove(input.evaluationId) }),
      results: (input) => workbench.evaluations.results(input.evaluationId, { recompute: input.recompute }),
      items: (input) => workbench.evaluations.items(input.evaluationId, input.configurationId, input),
      compare: (input) => ({
        evaluationA: input.evaluationA,
        evaluationB: input.evaluationB,
        comparisons: workbench.evaluations.compare(input.evaluationA, input.evaluationB, input.pairs)
      }),
      exportTable: (input) => workbench.evaluations.exportTable(input.evaluationIds, input),
      exportItems: (input) => workbench.evaluations.exportItems(input.evaluationId, input),
      verifierComparison: (input) => workbench.evaluations.verifierComparison(input.evaluationId, input)
    },
    endpoints: {
      list: () => workbench.endpoints.list(),
      add: (input) => workbench.endpoints.add(input),
      check: (input) => workbench.endpoints.check(input.name),
      use: (input) => workbench.endpoints.use(input.name),
      remove: (input) => ({ removed: workbench.endpoints.remove(input.name) })
    },
    jobs: {
      list: () => workbench.jobs.list(),
      cancel: (input) => ({ cancelled: workbench.jobs.cancel(input.jobId) })
    },
    prompts: {
      list: (input) => workbench.prompts.list(input),
      save: (input) => workbench.prompts.save(input),
      validate: (input) => workbench.prompts.validate(input)
    },
    models: {
      list: () => workbench.models.list(),
      add: (input) => workbench.models.add(input.path, input.makeDefault),
      setDefault: (input) => workbench.models.setDefault(input.id),
      remove: (input) => ({ removed: workbench.models.remove(input.id) }),
      backend: () => workbench.models.backend(),
      gpuStatus: () => workbench.models.gpuStatus(),
      engineSettings: () => workbench.models.engineSettings(),
      saveEngineSettings: (input) => workbench.models.saveEngineSettings(input),
      download: (input) => {
        const { jobId, uri, directory } = workbench.models.download(input.uri)
        return { jobId, uri, directory }
      }
    },
    playground: {
      run: (input) => ({ sessionId: workbench.playground.run(input).sessionId }),
      cancel: (input) => ({ cancelled: workbench.playground.cancel(input.sessionId) }),
      history: (input) => workbench.playground.list(input.limit),
      adapters: () => workbench.playground.adapters()
    },
    training: {
      environment: (input) => workbench.training.environment(input ?? {}),
      setup: (input) => ({ jobId: workbench.training.setup(input ?? {}).jobId }),
      jobs: (input) => workbench.training.list(input ?? {}),
      plans: () => workbench.training.plans(),
      get: (input) => workbench.training.get(input.jobId),
      metrics: (input) => workbench.training.metrics(input.jobId),
      enqueue: (input) => workbench.training.enqueue(input),
      enqueuePreset: (input) => workbench.training.enqueuePreset(input),
      start: (input) => workbench.training.start(input),
      cancel: (input) => workbench.training.cancel(input),
      adapters: (input) => workbench.training.adapterViews(input ?? {})
    },
    runs: {
      list: () => workbench.runs.list(),
      get: (input) => workbench.runs.get(input.runId),
      create: (input) => workbench.runs.create(input),
      resume: (input) => workbench.runs.resume(input.runId),
      pause: (input) => ({ paused: workbench.runs.pause(input.runId) }),
      questions: (input) => workbench.runs.questions(input.runId, input.filter, input.offset, input.limit),
      tree: (input) => workbench.runs.tree(input.runId, input.questionId, input.credit),
      node: (input) => workbench.runs.node(input.nodeId),
      analysis: (input) => workbench.runs.analysis(input.runId, input.credit),
      exportData: (input) => workbench.runs.exportData(input.runId, input.what, input.role, input.credit)
    }
  }
}
