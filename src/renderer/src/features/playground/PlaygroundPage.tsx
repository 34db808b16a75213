import type { JSX } from 'react'
import { useEffect, useState } from 'react'
import type { Benchmark } from '@shared/api/schemas/common'
import { workbench } from '../../api/workbench'
import { ErrorMessage } from '../../components/ErrorMessage'
import { PageHeader } from '../../components/PageHeader'
import type { Role } from '../../stores/usePlaygroundStore'
import { roleOrder, usePlaygroundStore } from '../../stores/usePlaygroundStore'
import { HistoryList } from './HistoryList'
import { QuestionPicker } from './QuestionPicker'
import { StagePane } from './StagePane'
import { TemplateEditor } from './TemplateEditor'

interface AdapterOption {
  id: number
  name: string
  role: Role
  stage: string | null
}

export function PlaygroundPage(): JSX.Element {
  const state = usePlaygroundStore()
  const [adapters, setAdapters] = useState<AdapterOption[]>([])

  useEffect(() => {
    const unsubscribe = workbench.events.subscribe((event) => usePlaygroundStore.getState().applyEvent(event))
    if (usePlaygroundStore.getState().versions.length === 0) void usePlaygroundStore.getState().setBenchmark('gsm8k')
    void usePlaygroundStore.getState().loadHistory()
    void workbench.playground.adapters().then(setAdapters)
    return unsubscribe
  }, [])

  const adapterSelect = (role: Role, value: number | null, onChange: (id: number | null) => void, label: string) => (
    <label className="field">
      <span>{label}</span>
      <select value={value ?? ''} onChange={(event) => onChange(event.target.value ? Number(event.target.value) : null)} aria-label={label}>
        <option value="">untrained (base model)</option>
        {adapters.map((adapter) => (
          <option key={adapter.id} value={adapter.id}>
            #{adapter.id} {adapter.name} ({adapter.role}
            {adapter.stage ? ` ${adapter.stage}` : ''}){adapter.role !== role ? ' — trained for another role' : ''}
          </option>
        ))}
      </select>
    </label>
  )

  return (
    <div className="page playground">
      <PageHeader
        title="Prompts & Playground"
        subtitle="Edit each role's prompt, run generator → verifier → refiner on one question with the tokens streaming in, and keep the variants."
      />
      <div className="playground-grid">
        <div className="playground-left">
          <section className="card">
            <div className="form-row">
              <label className="field">
                <span>Benchmark</span>
                <select value={state.benchmark} onChange={(event) => void state.setBenchmark(event.target.value as Benchmark)} aria-label="Benchmark">
                  <option value="gsm8k">GSM8K</option>
                  <option value="math">MATH</option>
                  <option value="csqa">CommonsenseQA</option>
                </select>
              </label>
            </div>
          </section>
          <QuestionPicker />
          <section className="card" aria-label="Prompts">
            <h2>Role prompts</h2>
            {roleOrder.map((role) => (
              <TemplateEditor key={role} role={role} />
            ))}
          </section>
          <section className="card" aria-label="Run settings">
            <h2>Agents and sampling</h2>
            <div className="form-grid">
              {roleOrder.map((role) =>
                adapterSelect(role, state.adapters[role], (id) => state.setAdapter(role, id), `${role[0]!.toUpperCase()}${role.slice(1)} adapter`)
              )}
              <label className="field">
                <span>Temperature</span>
                <input type="number" step={0.1} min={0} max={2} value={state.sampling.temperature} onChange={(event) => state.setSampling({ temperature: Number(event.target.value) })} />
              </label>
              <label className="field">
                <span>Max tokens per stage</span>
                <input type="number" min={1} value={state.sampling.maxTokens} onChange={(event) => state.setSampling({ maxTokens: Number(event.target.value) })} data-testid="max-tokens" />
              </label>
              <label className="field">
                <span>Seed</span>
                <input type="number" min={0} value={state.seed} onChange={(event) => state.setSeed(Number(event.target.value))} />
              </label>
            </div>
            <div className="form-row">
              <label>
                <input type="checkbox" checked={state.emptyVerification} onChange={(event) => state.setEmptyVerification(event.target.checked)} /> G + R only (empty
                verification, as in the paper's ablation)
              </label>
              <label>
                <input
                  type="checkbox"
                  checked={state.compare.enabled}
                  onChange={(event) => state.setCompare({ ...state.compare, enabled: event.target.checked })}
                  data-testid="compare-toggle"
                />{' '}
                Side by side: a second verifier on the same generation
              </label>
            </div>
            {state.compare.enabled && adapterSelect('verifier', state.compare.adapterId, (id) => state.setCompare({ enabled: true, adapterId: id }), 'Second verifier')}
          </section>
        </div>
        <div className="playground-right">
          <div className="toolbar">
            <button type="button" className="primary" disabled={state.running || !state.question.text.trim()} onClick={() => void state.run('generator')} data-testid="run-playground">
              {state.running ? 'Running…' : 'Run G → V → R'}
            </button>
            {state.running && (
              <button type="button" onClick={() => void state.cancel()}>
                Stop
              </button>
            )}
          </div>
          {state.error && <ErrorMessage error={state.error} title="Playground" />}
          <div className={state.compare.enabled ? 'stage-lanes two' : 'stage-lanes'}>
            <div className="stage-lane">
              {state.compare.enabled && <h3>Verifier 1: {state.adapters.verifier === null ? 'untrained' : `adapter #${state.adapters.verifier}`}</h3>}
              <StagePane lane="main" role="generator" />
              {!state.emptyVerification && <StagePane lane="main" role="verifier" canRerun />}
              <StagePane lane="main" role="refiner" canRerun />
            </div>
            {state.compare.enabled && (
              <div className="stage-lane">
                <h3>Verifier 2: {state.compare.adapterId === null ? 'untrained' : `adapter #${state.compare.adapterId}`}</h3>
                <p className="muted">Same generation as on the left.</p>
                <StagePane lane="compare" role="verifier" />
                <StagePane lane="compare" role="refiner" />
              </div>
            )}
          </div>
          <HistoryList />
        </div>
      </div>
    </div>
  )
}
