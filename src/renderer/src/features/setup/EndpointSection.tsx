import type { FormEvent, JSX } from 'react'
import { useCallback, useEffect, useState } from 'react'
import type { EndpointCheck, EndpointRecord, LoraStyle } from '@shared/api/schemas/endpoints'
import type { AppError } from '@shared/errors'
import { workbench } from '../../api/workbench'
import { ErrorMessage } from '../../components/ErrorMessage'
import { useAppStore } from '../../stores/useAppStore'

interface EndpointFields {
  name: string
  baseUrl: string
  servedModel: string
  apiKeyEnv: string
  loraStyle: LoraStyle
  generator: string
  verifier: string
  refiner: string
}

const emptyFields: EndpointFields = { name: '', baseUrl: 'http://127.0.0.1:8000/v1', servedModel: '', apiKeyEnv: '', loraStyle: 'served-name', generator: '', verifier: '', refiner: '' }

/**
 * OpenAI-compatible servers (vLLM, SGLang, llama-server) the three agents can run on instead of the embedded engine:
 * add one, check what it serves (and send it one request), make it the default model, remove it. The API key stays in
 * the environment variable it names.
 */
export function EndpointSection(): JSX.Element {
  const revision = useAppStore((state) => state.revisions.models ?? 0)
  const [endpoints, setEndpoints] = useState<EndpointRecord[]>([])
  const [fields, setFields] = useState<EndpointFields>(emptyFields)
  const [busy, setBusy] = useState<string | null>(null)
  const [error, setError] = useState<AppError | null>(null)
  const [checks, setChecks] = useState<Record<string, EndpointCheck>>({})

  const load = useCallback(async () => {
    try {
      setEndpoints(await workbench.endpoints.list())
    } catch (caught) {
      setError(caught as AppError)
    }
  }, [])
  useEffect(() => {
    void load()
  }, [load, revision])

  const act = async (label: string, action: () => Promise<unknown>) => {
    setBusy(label)
    try {
      await action()
      setError(null)
      await load()
    } catch (caught) {
      setError(caught as AppError)
    } finally {
      setBusy(null)
    }
  }

  const submit = (event: FormEvent) => {
    event.preventDefault()
    const roleAdapters = Object.fromEntries((['generator', 'verifier', 'refiner'] as const).filter((role) => fields[role].trim()).map((role) => [role, fields[role].trim()]))
    void act('add', async () => {
      await workbench.endpoints.add({
        name: fields.name.trim(),
        baseUrl: fields.baseUrl.trim(),
        servedModel: fields.servedModel.trim(),
        apiKeyEnv: fields.apiKeyEnv.trim() || null,
        loraStyle: fields.loraStyle,
        roleAdapters
      })
      setFields(emptyFields)
    })
  }
  const check = (name: string) =>
    act(`check:${name}`, async () => {
      const result = await workbench.endpoints.check({ name })
      setChecks((current) => ({ ...current, [name]: result }))
    })
  const set = (patch: Partial<EndpointFields>) => setFields((current) => ({ ...current, ...patch }))
  const adapterHint = fields.loraStyle === 'llama-server' ? 'adapter id (0, 1, …)' : 'served adapter name'

  return (
    <section className="card" aria-label="Inference endpoints" data-testid="endpoints">
      <h2>Inference endpoints</h2>
      <p className="muted">
        An OpenAI-compatible server (vLLM, SGLang, llama-server) can run the three agents instead of this machine: register it here, then give{' '}
        <span className="mono">endpoint:NAME</span> as the model of a run, an evaluation or the playground. Each role’s adapter is the one the server
        serves under the name (or llama-server id) given here.
      </p>
      <form className="form-grid" onSubmit={submit} aria-label="Add an endpoint">
        <label className="field">
          <span>Name</span>
          <input value={fields.name} onChange={(event) => set({ name: event.target.value })} placeholder="vllm-qwen" data-testid="endpoint-name" />
        </label>
        <label className="field">
          <span>Base URL</span>
          <input className="mono" value={fields.baseUrl} onChange={(event) => set({ baseUrl: event.target.value })} data-testid="endpoint-url" />
        </label>
        <label className="field">
          <span>Served model (the base)</span>
          <input value={fields.servedModel} onChange={(event) => set({ servedModel: event.target.value })} placeholder="Qwen/Qwen2.5-1.5B-Instruct" data-testid="endpoint-model" />
        </label>
        <label className="field">
          <span>API key variable (optional)</span>
          <input className="mono" value={fields.apiKeyEnv} onChange={(event) => set({ apiKeyEnv: event.target.value })} placeholder="VLLM_API_KEY" data-testid="endpoint-key-env" />
        </label>
        <label className="field">
          <span>Adapters chosen by</span>
          <select value={fields.loraStyle} onChange={(event) => set({ loraStyle: event.target.value as LoraStyle })} data-testid="endpoint-lora-style">
            <option value="served-name">served model name (vLLM, SGLang)</option>
            <option value="llama-server">llama-server’s lora field</option>
          </select>
        </label>
        {(['generator', 'verifier', 'refiner'] as const).map((role) => (
          <label className="field" key={role}>
            <span>
              {role[0]!.toUpperCase() + role.slice(1)} {adapterHint}
            </span>
            <input value={fields[role]} onChange={(event) => set({ [role]: event.target.value })} placeholder="none: base model" data-testid={`endpoint-adapter-${role}`} />
          </label>
        ))}
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy !== null} data-testid="endpoint-add">
            {busy === 'add' ? 'Adding…' : 'Add endpoint'}
          </button>
        </div>
      </form>
      {error && <ErrorMessage error={error} title="Endpoint" />}
      {endpoints.length > 0 && (
        <table className="simple-table" aria-label="Endpoints">
          <thead>
            <tr>
              <th>Endpoint</th>
              <th>Base model</th>
              <th>Role adapters</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {endpoints.map(({ spec, modelReference }) => (
              <tr key={spec.name} data-testid={`endpoint-row-${spec.name}`}>
                <td>
                  <span className="mono">{modelReference}</span>
                  <div className="mono muted ellipsis">{spec.baseUrl}</div>
                  {spec.apiKeyEnv && <div className="muted">key from ${spec.apiKeyEnv}</div>}
                </td>
                <td>{spec.servedModel}</td>
                <td>
                  {(['generator', 'verifier', 'refiner'] as const).map((role) => (
                    <div key={role}>
                      {role}: <span className="mono">{spec.roleAdapters[role] ?? 'base'}</span>
                    </div>
                  ))}
                  <div className="muted">{spec.loraStyle === 'llama-server' ? 'llama-server lora ids' : 'served names'}</div>
                </td>
                <td>
                  <button type="button" disabled={busy !== null} onClick={() => void check(spec.name)} data-testid={`endpoint-check-${spec.name}`}>
                    {busy === `check:${spec.name}` ? 'Checking…' : 'Check'}
                  </button>{' '}
                  <button type="button" disabled={busy !== null} onClick={() => void act(`use:${spec.name}`, () => workbench.endpoints.use({ name: spec.name }))}>
                    Use by default
                  </button>{' '}
                  <button type="button" disabled={busy !== null} onClick={() => void act(`remove:${spec.name}`, () => workbench.endpoints.remove({ name: spec.name }))}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {Object.values(checks)
        .filter((result) => endpoints.some((endpoint) => endpoint.spec.name === result.name))
        .map((result) => (
          <EndpointCheckView key={result.name} check={result} />
        ))}
    </section>
  )
}

function EndpointCheckView({ check }: { check: EndpointCheck }): JSX.Element {
  return (
    <div className="endpoint-check" data-testid={`endpoint-check-result-${check.name}`}>
      <h3>
        {check.name}:{' '}
        <span className={`run-status run-status-${check.problems.length === 0 ? 'completed' : 'failed'}`}>{check.problems.length === 0 ? 'ready' : 'not ready'}</span>
      </h3>
      <dl className="facts">
        <dt>Serves</dt>
        <dd className="mono">{check.servedModels.length > 0 ? check.servedModels.join(', ') : 'nothing listed'}</dd>
        {check.llamaServerAdapters && (
          <>
            <dt>Adapters</dt>
            <dd className="mono">
              {check.llamaServerAdapters.length === 0 ? 'none loaded' : check.llamaServerAdapters.map((adapter) => `${adapter.id}: ${adapter.path}`).join(', ')}
            </dd>
          </>
        )}
        {check.sample && (
          <>
            <dt>One request</dt>
            <dd>
              “{check.sample.text}” ({check.sample.promptTokens} prompt + {check.sample.completionTokens} generated tokens, {check.sample.milliseconds} ms)
            </dd>
          </>
        )}
      </dl>
      {check.problems.length > 0 && (
        <ul className="problems">
          {check.problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
    </div>
  )
}
