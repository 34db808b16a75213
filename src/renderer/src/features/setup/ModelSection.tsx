import type { FormEvent, JSX } from 'react'
import { useEffect, useState } from 'react'
import type { ModelRecord } from '@shared/api/schemas/models'
import { workbench } from '../../api/workbench'
import { ErrorMessage } from '../../components/ErrorMessage'
import { formatBytes, formatCount, formatDuration } from '../../format'
import { useAppStore } from '../../stores/useAppStore'
import { useModelsStore } from '../../stores/useModelsStore'

/** Base models: add a GGUF by path, pick the default, read its facts; or download the paper's small model. */
export function ModelSection(): JSX.Element {
  const { models, error, adding, load, add, setDefault, remove, download, downloadJobId } = useModelsStore()
  const revision = useAppStore((state) => state.revisions.models ?? 0)
  const downloadJob = useAppStore((state) => (downloadJobId ? state.jobs[downloadJobId] : undefined))
  const [path, setPath] = useState('')
  useEffect(() => {
    void load()
  }, [load, revision])

  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (path.trim()) void add(path.trim())
  }
  const current = models.find((model) => model.isDefault) ?? null

  return (
    <section className="card" aria-label="Base model">
      <h2>Base model</h2>
      <p className="muted">The generator, verifier and refiner share this GGUF model; each role adds its own LoRA adapter after training.</p>
      <form className="form-row" onSubmit={submit}>
        <input
          className="grow"
          placeholder="/absolute/path/to/model.gguf"
          value={path}
          onChange={(event) => setPath(event.target.value)}
          aria-label="Model path"
          data-testid="model-path"
        />
        <button type="submit" className="primary" disabled={adding} data-testid="model-add">
          {adding ? 'Loading…' : 'Add and use'}
        </button>
      </form>
      {error && <ErrorMessage error={error} title="Model" />}
      {models.length > 0 && (
        <table className="simple-table" aria-label="Models">
          <thead>
            <tr>
              <th />
              <th>Model</th>
              <th>Size</th>
              <th>Quantization</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {models.map((model) => (
              <tr key={model.path}>
                <td>
                  <input type="radio" name="default-model" checked={model.isDefault} disabled={model.id === 0} onChange={() => void setDefault(model.id)} aria-label={`Use ${model.name}`} />
                </td>
                <td title={model.path}>
                  {model.name}
                  {!model.exists && <span className="tag tag-bad">file missing</span>}
                  <div className="mono muted ellipsis">{model.path}</div>
                </td>
                <td>{model.facts ? formatBytes(model.facts.fileSizeBytes) : '—'}</td>
                <td>{model.facts?.quantization ?? '—'}</td>
                <td>{model.id > 0 && <button type="button" onClick={() => void remove(model.id)}>Remove</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {current?.facts && <ModelFacts model={current} />}
      <div className="download-row">
        <div>
          <strong>No model yet?</strong> Download the paper's small model, Qwen2.5-1.5B-Instruct (GGUF, Q4_K_M, about 1 GB).
        </div>
        {downloadJob && downloadJob.status === 'running' ? (
          <div className="download-progress">
            <progress value={downloadJob.done} max={downloadJob.total ?? undefined} />
            <span>
              {formatBytes(downloadJob.done)}
              {downloadJob.total ? ` of ${formatBytes(downloadJob.total)}` : ''}
              {typeof downloadJob.detail.bytesPerSecond === 'number' ? ` · ${formatBytes(downloadJob.detail.bytesPerSecond)}/s` : ''}
              {downloadJob.etaSeconds !== null ? ` · ETA ${formatDuration(downloadJob.etaSeconds)}` : ''}
            </span>
            <button type="button" onClick={() => void workbench.jobs.cancel({ jobId: downloadJob.id })}>
              Cancel
            </button>
          </div>
        ) : (
          <button type="button" onClick={() => void download()} data-testid="model-download">
            Download
          </button>
        )}
        {downloadJob?.status === 'failed' && downloadJob.error && <ErrorMessage error={downloadJob.error.message} title="Download failed" />}
        {downloadJob?.status === 'cancelled' && <p className="muted">Download cancelled; the partial file was removed.</p>}
      </div>
    </section>
  )
}

function ModelFacts(props: { model: ModelRecord }): JSX.Element {
  const facts = props.model.facts!
  const backend = facts.backend
  return (
    <dl className="facts" aria-label="Model facts">
      <dt>Architecture</dt>
      <dd>{facts.architecture}</dd>
      <dt>Parameters</dt>
      <dd>{formatCount(facts.parameterCount)}</dd>
      <dt>File</dt>
      <dd>
        {formatBytes(facts.fileSizeBytes)} · {facts.quantization ?? 'unknown quantization'}
      </dd>
      <dt>Context length</dt>
      <dd>{formatCount(facts.contextLength)} tokens</dd>
      <dt>Layers</dt>
      <dd>
        {facts.layerCount ?? '—'} · width {facts.embeddingLength ?? '—'} · vocabulary {formatCount(facts.vocabularySize)}
      </dd>
      <dt>Chat template</dt>
      <dd>{facts.chatTemplate.present ? `from the GGUF (${facts.chatTemplate.wrapper})` : `none in the file; using ${facts.chatTemplate.wrapper}`}</dd>
      <dt>Runs on</dt>
      <dd>
        {backend.gpu ? `${backend.gpu.toUpperCase()} ${backend.gpuDeviceNames.join(', ')} · ${backend.gpuLayers} layers on the GPU` : `CPU · ${backend.cpuThreads} threads`}
      </dd>
    </dl>
  )
}
