import type { FormEvent, JSX } from 'react'
import { useEffect, useMemo, useState } from 'react'
import type { ConfigurationPreset } from '@shared/api/schemas/evaluations'
import type { TrainingAdapterView } from '@shared/api/schemas/training'
import { workbench } from '../../api/workbench'
import { ErrorMessage } from '../../components/ErrorMessage'
import { formatCount } from '../../format'
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

  const dataset = useMemo(() => datasets.find((candidate) => String(candidate.id) === fields.datasetId) ?? null, [datasets, fields.datasetId])
  // The first dataset and its test split (else dev, else its first) once datasets are known.
  useEffect(() => {
    const first = dataset ?? datasets[0]
    if (!first) return
    const preferred = first.splits.find((s) => s.split === 'test') ?? first.splits.find((s) => s.split === 'dev') ?? first.splits[0]
    const split = first.splits.some((s) => s.split === fields.split) ? fields.split : preferred?.split
    if (String(first.id) !== fields.datasetId || split !== fields.split) setFields((current) => ({ ...current, datasetId: String(first.id), split: split ?? '' }))
  }, [datasets, dataset, fields.datasetId, fields.split])

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
          <label className="field">
            <span>Benchmark / dataset</span>
            <select value={fields.datasetId} onChange={(event) => set({ datasetId: event.target.value, split: '' })} data-testid="new-eval-dataset">
              {datasets.map((candidate) => (
                <option key={candidate.id} value={candidate.id}>
                  {candidate.name} ({candidate.benchmark})
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Split</span>
            <select value={fields.split} onChange={(event) => set({ split: event.target.value })} data-testid="new-eval-split">
              {dataset?.splits.map((s) => (
                <option key={s.split} value={s.split}>
                  {s.split} ({formatCount(s.count)})
                </option>
              ))}
            </select>
          </label>
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
          <label className="field">
            <span>Temperature (paper: 0.3)</span>
            <input type="number" min={0} max={2} step={0.05} required value={fields.temperature} onChange={(event) => set({ temperature: event.target.value })} />
          </label>
          <label className="field">
            <span>Max tokens per output</span>
            <input type="number" min={1} required value={fields.maxTokens} onChange={(event) => set({ maxTokens: event.target.value })} data-testid="new-eval-max-tokens" />
          </label>
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

        <label className="field">
          <span>Model (GGUF path; empty: the one chosen in Setup)</span>
          <input className="mono" value={fields.modelPath} onChange={(event) => set({ modelPath: event.target.value })} placeholder=".models/SmolLM2-135M-Instruct.Q4_1.gguf" data-testid="new-eval-model" />
        </label>
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
