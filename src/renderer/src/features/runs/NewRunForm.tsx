import type { FormEvent, JSX } from 'react'
import { useEffect, useState } from 'react'
import { DatasetSplitFields, useSettledDatasetSplit } from '../../components/DatasetSplitFields'
import { ErrorMessage } from '../../components/ErrorMessage'
import { MaxTokensField, ModelPathField, TemperatureField } from '../../components/GenerationFields'
import { formatCount } from '../../format'
import { useDatasetsStore } from '../../stores/useDatasetsStore'
import { useRunsStore } from '../../stores/useRunsStore'
import type { NewRunFields } from './newRunForm'
import { defaultNewRunFields, describeTreeSize, nodesPerQuestion, toCreateRunInput } from './newRunForm'

/** A run's tree is training data: the train split by default. */
const runSplits = ['train'] as const

/** Starts a tree-search run: which questions, how wide the tree, how to sample, with which model. */
export function NewRunForm(props: { onCreated(): void }): JSX.Element {
  const datasets = useDatasetsStore((state) => state.datasets)
  const loadDatasets = useDatasetsStore((state) => state.load)
  const createRun = useRunsStore((state) => state.createRun)
  const creating = useRunsStore((state) => state.creating)
  const createError = useRunsStore((state) => state.createError)
  const clearCreateError = useRunsStore((state) => state.clearCreateError)
  const lastModelPath = useRunsStore((state) => state.runs[0]?.modelPath ?? '')
  const [fields, setFields] = useState<NewRunFields>(() => ({ ...defaultNewRunFields, modelPath: lastModelPath }))
  const set = (patch: Partial<NewRunFields>) => setFields((current) => ({ ...current, ...patch }))

  useEffect(() => {
    void loadDatasets()
    return () => clearCreateError()
  }, [loadDatasets, clearCreateError])

  const dataset = useSettledDatasetSplit(datasets, fields, setFields, runSplits)

  const branching = Number(fields.branching)
  const splitCount = dataset?.splits.find((s) => s.split === fields.split)?.count ?? 0
  const questionCount = fields.limit.trim() ? Math.min(Number(fields.limit), splitCount) : splitCount
  const totalNodes = Number.isInteger(branching) && branching >= 1 ? questionCount * nodesPerQuestion(branching) : 0

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (await createRun(toCreateRunInput(fields))) props.onCreated()
  }

  return (
    <section className="card new-run" aria-label="New run">
      <form onSubmit={(event) => void submit(event)}>
        <h2>New run</h2>
        {datasets.length === 0 && <p className="muted">Import a dataset on the Datasets page first.</p>}
        <div className="form-grid">
          <DatasetSplitFields datasetLabel="Dataset" datasets={datasets} dataset={dataset} choice={fields} onChange={set} testIdPrefix="new-run" />
          <label className="field">
            <span title="the first N of a seeded shuffle of the split">Questions (empty: all)</span>
            <input type="number" min={1} value={fields.limit} onChange={(event) => set({ limit: event.target.value })} data-testid="new-run-limit" />
          </label>
          <label className="field">
            <span>Branching n</span>
            <input type="number" min={1} max={8} required value={fields.branching} onChange={(event) => set({ branching: event.target.value })} data-testid="new-run-branching" />
          </label>
          <label className="field">
            <span>Seed</span>
            <input type="number" min={0} required value={fields.seed} onChange={(event) => set({ seed: event.target.value })} />
          </label>
          <label className="field">
            <span>Run name (optional)</span>
            <input value={fields.name} onChange={(event) => set({ name: event.target.value })} placeholder="dataset/split ×N n=…" />
          </label>
        </div>
        <p className="tree-size" data-testid="new-run-tree-size">
          {describeTreeSize(branching)}
          {totalNodes > 0 && <span className="muted"> · {formatCount(questionCount)} question{questionCount === 1 ? '' : 's'} → {formatCount(totalNodes)} nodes</span>}
        </p>
        <div className="form-grid">
          <TemperatureField value={fields.temperature} onChange={(temperature) => set({ temperature })} />
          <label className="field">
            <span>Top-p</span>
            <input type="number" min={0.01} max={1} step={0.01} required value={fields.topP} onChange={(event) => set({ topP: event.target.value })} />
          </label>
          <MaxTokensField value={fields.maxTokens} onChange={(maxTokens) => set({ maxTokens })} testId="new-run-max-tokens" />
          <label className="field">
            <span>Questions in parallel</span>
            <input type="number" min={1} max={64} required value={fields.questionConcurrency} onChange={(event) => set({ questionConcurrency: event.target.value })} />
          </label>
        </div>
        <ModelPathField value={fields.modelPath} onChange={(modelPath) => set({ modelPath })} testId="new-run-model" />
        <div className="form-row">
          <span className="spacer" />
          <button type="submit" className="primary" disabled={creating || !dataset} data-testid="new-run-submit">
            {creating ? 'Starting…' : 'Start run'}
          </button>
        </div>
      </form>
      {createError && <ErrorMessage error={createError} title="Could not start the run" />}
    </section>
  )
}
