import type { JSX } from 'react'
import { useEffect, useState } from 'react'
import type { TrainingOptionsInput } from '@shared/api/schemas/training'
import { trainingOptionsSchema } from '@shared/api/schemas/training'
import { ErrorMessage } from '../../components/ErrorMessage'
import { useRunsStore } from '../../stores/useRunsStore'
import { useTrainingStore } from '../../stores/useTrainingStore'
import { GpuMemoryWarning } from './GpuMemoryWarning'

/** The schema's defaults (paper: batch 8, β 0.2; runner: r 16, α 32, 1 epoch), shown in the form. */
const defaults = trainingOptionsSchema.parse({})
/** The runner's LoRA rank when the form leaves it empty (and a DPO job's SFT adapter's, as queued by the form). */
const defaultRank = 16

interface Draft {
  mode: 'job' | 'preset'
  runId: string
  role: 'generator' | 'verifier' | 'refiner'
  stage: 'sft' | 'dpo'
  preset: 'malt' | 'star'
  continueOnFailure: boolean
  maxSteps: string
  epochs: string
  batchSize: string
  learningRate: string
  rank: string
  alpha: string
  beta: string
  maxLength: string
  evalFraction: string
  patience: string
  threshold: string
  pooling: 'global' | 'local'
  baseModelPath: string
  device: 'auto' | 'cpu' | 'cuda'
}

const initialDraft: Draft = {
  mode: 'job',
  runId: '',
  role: 'generator',
  stage: 'sft',
  preset: 'malt',
  continueOnFailure: true,
  maxSteps: '',
  epochs: String(defaults.epochs),
  batchSize: String(defaults.batchSize),
  learningRate: '',
  rank: '',
  alpha: '',
  beta: String(defaults.beta),
  maxLength: String(defaults.maxLength),
  evalFraction: String(defaults.evalFraction),
  patience: '',
  threshold: String(defaults.credit.threshold),
  pooling: defaults.credit.pooling,
  baseModelPath: '',
  device: defaults.device
}

/** Only what the person set; everything else takes the schema's defaults on the service side. */
function optionsOf(draft: Draft, dpo: boolean): TrainingOptionsInput {
  const number = (text: string) => (text.trim() === '' ? undefined : Number(text))
  const options: TrainingOptionsInput = {
    credit: { threshold: Number(draft.threshold), pooling: draft.pooling },
    epochs: Number(draft.epochs),
    batchSize: Number(draft.batchSize),
    maxLength: Number(draft.maxLength),
    beta: Number(draft.beta),
    device: draft.device,
    maxSteps: number(draft.maxSteps) ?? null,
    evalFraction: Number(draft.evalFraction),
    earlyStoppingPatience: Number(draft.evalFraction) > 0 ? (number(draft.patience) ?? null) : null
  }
  if (draft.learningRate.trim()) options.learningRate = Number(draft.learningRate)
  if (!dpo && draft.rank.trim()) options.rank = Number(draft.rank)
  if (!dpo && draft.alpha.trim()) options.alpha = Number(draft.alpha)
  if (draft.baseModelPath.trim()) options.baseModelPath = draft.baseModelPath.trim()
  return options
}

/** Queues one SFT/DPO job for a role of a run, or a MALT/STaR plan. */
export function QueueTrainingForm(): JSX.Element {
  const runs = useRunsStore((state) => state.runs)
  const loadRuns = useRunsStore((state) => state.load)
  const { enqueue, enqueuePreset, queueing, queueError } = useTrainingStore()
  const [draft, setDraft] = useState<Draft>(initialDraft)
  const update = (patch: Partial<Draft>) => setDraft((current) => ({ ...current, ...patch }))

  useEffect(() => {
    void loadRuns()
  }, [loadRuns])
  useEffect(() => {
    if (draft.runId === '' && runs[0]) update({ runId: String(runs[0].id) })
  }, [runs, draft.runId])

  const dpo = draft.mode === 'job' && draft.stage === 'dpo'
  const submit = async () => {
    const runId = Number(draft.runId)
    if (draft.mode === 'job') await enqueue({ runId, role: draft.role, stage: draft.stage, options: optionsOf(draft, dpo) })
    else await enqueuePreset({ runId, preset: draft.preset, options: optionsOf(draft, false), continueOnFailure: draft.continueOnFailure })
  }

  return (
    <section className="card" aria-label="Queue training">
      <h2>Queue training</h2>
      <form
        className="form-grid training-form"
        onSubmit={(event) => {
          event.preventDefault()
          void submit()
        }}
      >
        <label className="field">
          <span>Run (training data)</span>
          <select value={draft.runId} onChange={(event) => update({ runId: event.target.value })} data-testid="training-run">
            {runs.length === 0 && <option value="">no runs yet</option>}
            {runs.map((run) => (
              <option key={run.id} value={run.id}>
                #{run.id} {run.name} ({run.status})
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>What</span>
          <select value={draft.mode} onChange={(event) => update({ mode: event.target.value as Draft['mode'] })} data-testid="training-mode">
            <option value="job">one job (a role and a stage)</option>
            <option value="preset">a preset plan</option>
          </select>
        </label>
        {draft.mode === 'job' ? (
          <>
            <label className="field">
              <span>Role</span>
              <select value={draft.role} onChange={(event) => update({ role: event.target.value as Draft['role'] })} data-testid="training-role">
                <option value="generator">generator</option>
                <option value="verifier">verifier</option>
                <option value="refiner">refiner</option>
              </select>
            </label>
            <label className="field">
              <span>Stage</span>
              <select value={draft.stage} onChange={(event) => update({ stage: event.target.value as Draft['stage'] })} data-testid="training-stage">
                <option value="sft">SFT (positives)</option>
                <option value="dpo">DPO (pairs, from the role’s SFT adapter)</option>
              </select>
            </label>
          </>
        ) : (
          <>
            <label className="field">
              <span>Preset</span>
              <select value={draft.preset} onChange={(event) => update({ preset: event.target.value as Draft['preset'] })} data-testid="training-preset">
                <option value="malt">MALT: G SFT; V SFT → DPO; R SFT → DPO</option>
                <option value="star">STaR: SFT × 3</option>
              </select>
            </label>
            <label className="field checkbox-field">
              <span>On a failed step</span>
              <label>
                <input type="checkbox" checked={draft.continueOnFailure} onChange={(event) => update({ continueOnFailure: event.target.checked })} /> continue with the
                independent steps
              </label>
            </label>
          </>
        )}
        <label className="field">
          <span>Max steps (empty: by epochs)</span>
          <input type="number" min={1} value={draft.maxSteps} onChange={(event) => update({ maxSteps: event.target.value })} data-testid="training-max-steps" />
        </label>
        <label className="field">
          <span>Epochs</span>
          <input type="number" min={1} max={100} value={draft.epochs} onChange={(event) => update({ epochs: event.target.value })} />
        </label>
        <label className="field">
          <span>Batch size (paper: 8)</span>
          <input type="number" min={1} value={draft.batchSize} onChange={(event) => update({ batchSize: event.target.value })} />
        </label>
        <label className="field">
          <span>Learning rate (empty: 1e-4 SFT, 1e-5 DPO)</span>
          <input value={draft.learningRate} placeholder="default" onChange={(event) => update({ learningRate: event.target.value })} />
        </label>
        <label className="field">
          <span>LoRA rank / alpha {dpo ? '(the SFT adapter’s)' : '(16 / 32)'}</span>
          <span className="field-pair">
            <input type="number" min={1} value={draft.rank} placeholder="16" disabled={dpo} onChange={(event) => update({ rank: event.target.value })} />
            <input type="number" min={1} value={draft.alpha} placeholder="32" disabled={dpo} onChange={(event) => update({ alpha: event.target.value })} />
          </span>
        </label>
        <label className="field">
          <span>DPO β (paper: 0.2)</span>
          <input type="number" step="0.05" min={0.01} value={draft.beta} onChange={(event) => update({ beta: event.target.value })} />
        </label>
        <label className="field">
          <span>Max length (tokens)</span>
          <input type="number" min={16} value={draft.maxLength} onChange={(event) => update({ maxLength: event.target.value })} />
        </label>
        <label className="field">
          <span>Held out for eval_loss / patience (0: none; empty: no early stop)</span>
          <span className="field-pair">
            <input type="number" step="0.05" min={0} max={0.5} value={draft.evalFraction} onChange={(event) => update({ evalFraction: event.target.value })} data-testid="training-eval-fraction" />
            <input type="number" min={1} value={draft.patience} placeholder="—" disabled={Number(draft.evalFraction) <= 0} onChange={(event) => update({ patience: event.target.value })} />
          </span>
        </label>
        <label className="field">
          <span>Credit θ / pooling</span>
          <span className="field-pair">
            <input type="number" step="0.05" min={0} max={1} value={draft.threshold} onChange={(event) => update({ threshold: event.target.value })} />
            <select value={draft.pooling} onChange={(event) => update({ pooling: event.target.value as Draft['pooling'] })}>
              <option value="global">global</option>
              <option value="local">local</option>
            </select>
          </span>
        </label>
        <label className="field">
          <span>Device</span>
          <select value={draft.device} onChange={(event) => update({ device: event.target.value as Draft['device'] })}>
            <option value="auto">auto (CUDA when present)</option>
            <option value="cpu">CPU</option>
            <option value="cuda">CUDA (fails without a GPU)</option>
          </select>
        </label>
        <label className="field field-wide">
          <span>Base model GGUF (empty: the run’s model)</span>
          <input className="mono" value={draft.baseModelPath} placeholder="/path/to/model.gguf" onChange={(event) => update({ baseModelPath: event.target.value })} />
        </label>
        <div className="field">
          <span>&nbsp;</span>
          <button type="submit" className="primary" disabled={queueing || draft.runId === ''} data-testid="training-queue">
            {queueing ? 'Preparing…' : draft.mode === 'job' ? 'Queue job' : 'Queue plan'}
          </button>
        </div>
      </form>
      <GpuMemoryWarning
        modelPath={draft.baseModelPath.trim() || (runs.find((run) => String(run.id) === draft.runId)?.modelPath ?? null)}
        job={{
          // A MALT plan has DPO steps, which hold chosen and rejected at once: the larger of its jobs.
          stage: dpo || (draft.mode === 'preset' && draft.preset === 'malt') ? 'dpo' : 'sft',
          batchSize: Number(draft.batchSize),
          maxLength: Number(draft.maxLength),
          rank: Number(draft.rank.trim() || defaultRank),
          // "auto" lets the runner turn checkpointing on (and split the batch) when the memory needs it: the lower bound.
          gradientCheckpointing: defaults.gradientCheckpointing !== false
        }}
        device={draft.device}
      />
      {queueError && <ErrorMessage error={queueError} title="Could not queue" />}
    </section>
  )
}
