import type { JSX } from 'react'
import { useCallback, useEffect, useState } from 'react'
import type { TrainingEnvironmentView } from '@shared/api/schemas/training'
import type { AppError } from '@shared/errors'
import { ErrorMessage } from '../../components/ErrorMessage'
import { workbench } from '../../api/workbench'

/** The packages the runner is built on; the other pins (their dependencies) show when one is wrong, or on request. */
const keyPackages = ['torch', 'transformers', 'peft', 'trl', 'accelerate', 'datasets', 'gguf', 'safetensors']

/** How often the setup job's log is re-read while it runs. */
const setupPollMs = 1000

/**
 * The training runner's Python environment: interpreter, venv, pinned packages, CUDA; what is missing, and a button
 * that runs the setup script as a job whose log is shown. Nothing installs unless that button is pressed.
 */
export function TrainingEnvironmentSection(): JSX.Element {
  const [environment, setEnvironment] = useState<TrainingEnvironmentView | null>(null)
  const [checking, setChecking] = useState(false)
  const [error, setError] = useState<AppError | null>(null)
  const [showAllPackages, setShowAllPackages] = useState(false)
  const settingUp = environment?.setup?.status === 'running'

  const check = useCallback(async (refresh: boolean) => {
    if (refresh) setChecking(true)
    try {
      setEnvironment(await workbench.training.environment({ refresh }))
      setError(null)
    } catch (caught) {
      setError(caught as AppError)
    } finally {
      if (refresh) setChecking(false)
    }
  }, [])

  useEffect(() => {
    void check(true)
  }, [check])
  useEffect(() => {
    if (!settingUp) return
    const timer = setInterval(() => void check(false), setupPollMs)
    return () => {
      clearInterval(timer)
      void check(true) // the setup ended (or the page closed): read the environment afresh
    }
  }, [settingUp, check])

  const setup = async () => {
    try {
      await workbench.training.setup({ checkOnly: false })
      await check(false)
    } catch (caught) {
      setError(caught as AppError)
    }
  }

  const report = environment?.report ?? null
  return (
    <section className="card" aria-label="Training environment" data-testid="training-environment">
      <h2>
        Training environment{' '}
        {environment && <span className={`run-status run-status-${environment.ready ? 'completed' : 'failed'}`}>{environment.ready ? 'ready' : 'not ready'}</span>}
      </h2>
      {!environment && !error && <p className="muted">Checking the runner’s Python…</p>}
      {environment && (
        <dl className="facts">
          <dt>Venv</dt>
          <dd className="mono">
            {environment.venvPath}
            {environment.pythonPath ? '' : ' (missing)'}
          </dd>
          {report && (
            <>
              <dt>Python</dt>
              <dd>{report.python_version}</dd>
              <dt>CUDA</dt>
              <dd>
                {report.cuda_available
                  ? `${report.cuda_version ?? 'yes'}: ${report.devices.map((device) => device.name).join(', ')}${report.bf16_supported ? ' (bf16)' : report.fp16_supported ? ' (fp16)' : ''}`
                  : 'none: training runs on the CPU'}
              </dd>
            </>
          )}
        </dl>
      )}
      {report && (
        <>
          <table className="training-env-packages" data-testid="training-env-packages">
            <tbody>
              {report.packages
                .filter((pkg) => !pkg.ok || keyPackages.includes(pkg.name) || showAllPackages)
                .map((pkg) => (
                  <tr key={pkg.name}>
                    <td>{pkg.name}</td>
                    <td className="mono">{pkg.installed ?? 'missing'}</td>
                    <td>{pkg.ok ? '✓' : <span className="tag tag-bad">{pkg.installed ? `needs ${pkg.required}` : `missing: ${pkg.required}`}</span>}</td>
                  </tr>
                ))}
            </tbody>
          </table>
          {report.packages.length > keyPackages.length && (
            <button type="button" className="link-button" onClick={() => setShowAllPackages((shown) => !shown)}>
              {showAllPackages ? 'Show the main packages only' : `Show all ${report.packages.length} pinned packages`}
            </button>
          )}
        </>
      )}
      {environment && environment.problems.length > 0 && (
        <ul className="training-env-problems" data-testid="training-env-problems">
          {environment.problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
      <div className="form-actions">
        <button type="button" onClick={() => void check(true)} disabled={checking || settingUp}>
          {checking ? 'Checking…' : 'Check again'}
        </button>{' '}
        {environment && !environment.ready && (
          <button type="button" className="primary" onClick={() => void setup()} disabled={settingUp} data-testid="training-env-setup">
            {settingUp ? 'Setting up…' : 'Set up (creates the venv and installs the pinned packages)'}
          </button>
        )}
      </div>
      {environment && <p className="muted">Or from a terminal: <span className="mono">{environment.setupCommand}</span></p>}
      {environment?.setup && (
        <>
          <p className="muted">
            {environment.setup.checkOnly ? 'Check' : 'Setup'} {environment.setup.status}
            {environment.setup.exitCode !== null ? ` (exit code ${environment.setup.exitCode})` : ''}
          </p>
          <pre className="mono training-log" data-testid="training-env-log">
            {environment.setup.log || '(no output yet)'}
          </pre>
        </>
      )}
      {error && <ErrorMessage error={error} title="Could not check the environment" />}
    </section>
  )
}
