import type { FormEvent, JSX } from 'react'
import { useEffect, useState } from 'react'
import type { ConfigurationPreset } from '@shared/api/schemas/evaluations'
import type { TrainingAdapterView } from '@shared/api/schemas/training'
import { workbench } from '../../api/workbench'
import { DatasetSplitFields, useSettledDatasetSplit } from '../../components/DatasetSplitFields'
import { ErrorMessage } from '../../components/ErrorMessage'
import { MaxTokensField, ModelPathField, TemperatureField } from '../../components/GenerationFields'
import { useDatasetsStore } from '../../stores/useDatasetsStore'
import { useEvaluationsStore } from '../../stores/useEvaluationsStore'
import { useLoaded } from '../runs/useLoaded'
import type { NewEvaluationFields, RoleName } from './newEvaluationForm'
import { defaultNewEvaluationFields, describeEvaluationSize, parseSeedList, roleNames, toCreateEvaluationInput } from './newEvaluationForm'

const groupLabels: Record<ConfigurationPreset['group'], string> = {
  inference: 'Inference only (Table 1)',
  star: 'STaR: SFT-only adapters (Table 1)',
  malt: 'MALT (Table 1)',
  debate: 'Multi-agent debate (Table 2)',
  untrained_role: 'One untrained agent (Table 4)',
  pipeline: 'Ablated pipelines (Table 5)'
}

/** An evaluation reads held-out questions: the test split, else dev. */
const evaluationSplits = ['test', 'dev'] as const

/** Creates and starts an evaluation: which data, which configurations, which adapters per role, how to sample. */
export function NewEvaluationForm(props: { onCreated(): void }): JSX.Element {
  const datasets = useDatasetsStore((state) => state.datasets)
  const loadDatasets = useDatasetsStore((state) => state.load)
  const create = useEvaluationsStore((state) => state.create)
  const creating = useEvaluationsStore((state) => state.creating)
  const createError = useEvaluationsStore((state) => state.createError)
  const clearCreateError = useEvaluationsStore((state) => state.clearCreateError)
  const lastModelPath = useEvaluationsStore((state) => state.evaluations[0]?.modelPath ?? '')
  const [fields, setFields] = useState<NewEvaluationFields>(() => ({ ...defaultNewEvaluationFields, modelPath: lastModelPath }))
  const [formError, setFormError] = useState<string | null>(null)
  const set = (patch: Partial<NewEvaluationFields>) => setFields((current) => ({ ...current, ...patch }))

  const presets = useLoaded('presets', () => workbench.evaluations.configurations())
  const adapters = useLoaded<TrainingAdapterView[]>('adapters', () => workbench.training.adapters())

  useEffect(() => {
    void loadDatasets()
    return () => clearCreateError()
  }, [loadDatasets, clearCreateError])

  const dataset = useSettledDatasetSplit(datasets, fields, setFields, evaluationSplits)

  const chosen = (presets.data?.presets ?? []).filter((preset) => fields.configurationIds.includes(preset.id))
  const needs = {
    malt: chosen.some((preset) => preset.needs.some((need) => need.set === 'malt')),
    star: chosen.some((preset) => preset.needs.some((need) => need.set === 'star'))
  }
  const groups = new Map<ConfigurationPreset['group'], ConfigurationPreset[]>()
  for (const preset of presets.data?.presets ?? []) groups.set(preset.group, [...(groups.get(preset.group) ?? []), preset])

  const splitCount = dataset?.splits.find((s) => s.split === fields.split)?.count ?? 0
  const questionsPerSeed = fields.subsetSize.trim() ? Math.min(Number(fields.subsetSize), splitCount) : splitCount
  let seedCount = 0
  try {
    seedCount = parseSeedList(fields.seeds).length
  } catch {
    seedCount = 0
  }

  const toggle = (id: string) =>
    set({ configurationIds: fields.configurationIds.includes(id) ? fields.configurationIds.filter((other) => other !== id) : [...fields.configurationIds, id] })
  const setAdapter = (setName: 'malt' | 'star', role: RoleName, value: string) =>
    setFields((current) => ({ ...current, adapterSets: { ...current.adapterSets, [setName]: { ...current.adapterSets[setName], [role]: value } } }))

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setFormError(null)
    // Keep the table order of the presets, whatever order they were ticked in.
    const ordered = (presets.data?.presets ?? []).map((preset) => preset.id).filter((id) => fields.configurationIds.includes(id))
    let input
    try {
      input = toCreateEvaluationInput({ ...fields, configurationIds: ordered }, needs)
    } catch (error) {
      setFormError((error as Error).message)
      return
    }
    if (await create(input)) props.onCreated()
  }

  return (
    <section className="card new-evaluation" aria-label="New evaluation">
      <form onSubmit={(event) => void submit(event)}>
        <h2>New evaluation</h2>
        {datasets.length === 0 && <p className="muted">Import a dataset on the Datasets page first.</p>}
        <div className="form-grid">
          <DatasetSplitFields datasetLabel="Benchmark / dataset" datasets={datasets} dataset={dataset} choice={fields} onChange={set} testIdPrefix="new-eval" />
          <label className="field">
            <span title="each seed draws its own random subset of this size">Questions per seed (empty: all)</span>
            <input type="number" min={1} value={fields.subsetSize} onChange={(event) => set({ subsetSize: event.target.value })} data-testid="new-eval-subset" />
          </label>
          <label className="field">
            <span>Seeds (paper: 4, e.g. 0,1,2,3 or 0-3)</span>
            <input value={fields.seeds} onChange={(event) => set({ seeds: event.target.value })} data-testid="new-eval-seeds" />
          </label>
          <label className="field">
            <span>k of MV@k (paper: 3)</span>
            <input type="number" min={1} max={16} required value={fields.votes} onChange={(event) => set({ votes: event.target.value })} data-testid="new-eval-votes" />
          </label>
          <TemperatureField value={fields.temperature} onChange={(temperature) => set({ temperature })} />
          <MaxTokensField value={fields.maxTokens} onChange={(maxTokens) => set({ maxTokens })} testId="new-eval-max-tokens" />
          <label className="field">
            <span>Debate agents × rounds (paper: 3 × 3)</span>
            <span className="inline-pair">
              <input type="number" min={1} max={8} required value={fields.debateAgents} onChange={(event) => set({ debateAgents: event.target.value })} aria-label="Debate agents" />
              ×
              <input type="number" min={1} max={8} required value={fields.debateRounds} onChange={(event) => set({ debateRounds: event.target.value })} aria-label="Debate rounds" />
            </span>
          </label>
          <label className="field">
            <span>Items in parallel</span>
            <input type="number" min={1} max={64} required value={fields.questionConcurrency} onChange={(event) => set({ questionConcurrency: event.target.value })} />
          </label>
          <label className="field">
            <span>Name (optional)</span>
            <input value={fields.name} onChange={(event) => set({ name: event.target.value })} placeholder="dataset/split: configurations (seeds × size)" />
          </label>
        </div>
        <p className="tree-size" data-testid="new-eval-size">
          {seedCount > 0 ? describeEvaluationSize(questionsPerSeed, seedCount) : 'Seeds: give e.g. 0,1,2,3'}
          <span className="muted"> · {fields.configurationIds.length} configuration{fields.configurationIds.length === 1 ? '' : 's'}; shared work (SA inside MA, MV@k over the single passes) is computed once</span>
        </p>

        <fieldset className="config-groups" data-testid="new-eval-configurations">
          <legend>Configurations</legend>
          {presets.error && <ErrorMessage error={presets.error} title="Could not load the configurations" />}
          {[...groups].map(([group, list]) => (
            <div key={group} className="config-group">
              <strong>{groupLabels[group]}</strong>
              {list.map((preset) => (
                <label key={preset.id} className="check" title={preset.id}>
                  <input type="checkbox" checked={fields.configurationIds.includes(preset.id)} onChange={() => toggle(preset.id)} data-testid={`config-${preset.id}`} />
                  {preset.label}
                </label>
              ))}
            </div>
          ))}
        </fieldset>

        {(needs.malt || needs.star) && (
          <fieldset className="adapter-sets" data-testid="new-eval-adapters">
            <legend>Adapters per role</legend>
            <p className="muted">
              The chosen configurations read trained adapters. Pick the registered LoRA of each role (Training page); “base” leaves that role untrained.
            </p>
            {(['malt', 'star'] as const)
              .filter((name) => needs[name])
              .map((name) => (
                <div key={name} className="adapter-set">
                  <strong>{name === 'malt' ? 'MALT (SFT + DPO)' : 'STaR (SFT only)'}</strong>
                  {roleNames.map((role) => (
                    <label key={role} className="field">
                      <span className={`role-text-${role}`}>{role}</span>
                      <select value={fields.adapterSets[name][role]} onChange={(event) => setAdapter(name, role, event.target.value)} data-testid={`adapter-${name}-${role}`}>
                        <option value="">base (untrained)</option>
                        {(adapters.data ?? []).map((adapter) => (
                          <option key={adapter.id} value={adapter.id}>
                            #{adapter.id} {adapter.name} ({adapter.role}
                            {adapter.stage ? `, ${adapter.stage}` : ''})
                          </option>
                        ))}
                      </select>
                    </label>
                  ))}
                </div>
              ))}
          </fieldset>
        )}

        <ModelPathField value={fields.modelPath} onChange={(modelPath) => set({ modelPath })} testId="new-eval-model" />
        <div className="form-row">
          {formError && <span className="error-text">{formError}</span>}
          <span className="spacer" />
          <button type="submit" className="primary" disabled={creating || !dataset || fields.configurationIds.length === 0} data-testid="new-eval-submit">
            {creating ? 'Starting…' : 'Start evaluation'}
          </button>
        </div>
      </form>
      {createError && <ErrorMessage error={createError} title="Could not start the evaluation" />}
    </section>
  )
}
