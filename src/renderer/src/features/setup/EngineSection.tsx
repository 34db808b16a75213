import type { JSX } from 'react'
import { useEffect, useState } from 'react'
import type { EngineSettings } from '@shared/api/schemas/models'
import { useModelsStore } from '../../stores/useModelsStore'
import { GpuFacts } from './GpuFacts'

/** Where llama.cpp runs and how wide it batches. */
export function EngineSection(): JSX.Element {
  const { backend, engine, models, loadBackend, saveEngine } = useModelsStore()
  const [draft, setDraft] = useState<EngineSettings | null>(engine)
  const [saved, setSaved] = useState(false)
  useEffect(() => {
    void loadBackend()
  }, [loadBackend])
  useEffect(() => setDraft(engine), [engine])

  return (
    <section className="card" aria-label="GPU and engine">
      <h2>GPU and engine</h2>
      {backend ? (
        <p data-testid="backend">
          {backend.gpu ? (
            <>
              <strong>{backend.gpu.toUpperCase()}</strong> {backend.gpuDeviceNames.join(', ')}
            </>
          ) : (
            <>
              <strong>CPU</strong>, {backend.cpuThreads} threads
            </>
          )}{' '}
          <span className="muted">· llama.cpp {backend.llamaCppRelease}</span>
          {backend.gpuFallbackReason && <span className="muted"> · {backend.gpuFallbackReason}</span>}
        </p>
      ) : (
        <p className="muted">Starting llama.cpp…</p>
      )}
      {backend && <GpuFacts backend={backend} defaultModel={models.find((model) => model.isDefault) ?? null} />}
      {draft && (
        <form
          className="form-grid"
          onSubmit={(event) => {
            event.preventDefault()
            void saveEngine(draft).then(() => setSaved(true))
          }}
        >
          <label className="field">
            <span>GPU backend</span>
            <select value={String(draft.gpu)} onChange={(event) => setDraft({ ...draft, gpu: event.target.value === 'false' ? false : (event.target.value as EngineSettings['gpu']) })}>
              <option value="auto">auto (CUDA, Metal or Vulkan, else CPU)</option>
              <option value="cuda">CUDA</option>
              <option value="metal">Metal</option>
              <option value="vulkan">Vulkan</option>
              <option value="false">CPU only</option>
            </select>
          </label>
          <label className="field">
            <span>GPU layers</span>
            <input
              value={String(draft.gpuLayers)}
              onChange={(event) => {
                const value = event.target.value
                setDraft({ ...draft, gpuLayers: value === 'auto' || value === 'max' ? value : Number(value) || 0 })
              }}
            />
          </label>
          <label className="field">
            <span>CPU threads (empty: all cores)</span>
            <input
              type="number"
              min={1}
              value={draft.maxThreads ?? ''}
              onChange={(event) => setDraft({ ...draft, maxThreads: event.target.value ? Number(event.target.value) : null })}
            />
          </label>
          <label className="field">
            <span>Sequences per role (batched samples)</span>
            <input type="number" min={1} max={64} value={draft.sequencesPerRole} onChange={(event) => setDraft({ ...draft, sequencesPerRole: Number(event.target.value) })} />
          </label>
          <label className="field">
            <span>Context per sequence (tokens)</span>
            <input type="number" min={256} step={256} value={draft.contextSize} onChange={(event) => setDraft({ ...draft, contextSize: Number(event.target.value) })} />
          </label>
          <div className="field">
            <span>&nbsp;</span>
            <button type="submit">Save (applies to the next model load)</button>
          </div>
          {saved && <p className="muted">Saved.</p>}
        </form>
      )}
    </section>
  )
}
