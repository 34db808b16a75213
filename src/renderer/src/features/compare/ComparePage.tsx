import type { JSX } from 'react'
import { useEffect, useState } from 'react'
import type { EvaluationDetail, VerifierComparisonItem } from '@shared/api/schemas/evaluations'
import { workbench } from '../../api/workbench'
import { ErrorMessage } from '../../components/ErrorMessage'
import { PageHeader } from '../../components/PageHeader'
import { useAppStore } from '../../stores/useAppStore'
import { useEvaluationsStore } from '../../stores/useEvaluationsStore'
import { useLoaded } from '../runs/useLoaded'
import { defaultVerifierPair, stepIndex } from './comparePairs'

/**
 * Paper App. A.4: the same generator output read by the untrained and the trained verifier, side by side, each
 * followed by its refinement and whether it is right; stepping through the items where the two end up disagreeing.
 */
export function ComparePage(): JSX.Element {
  const evaluations = useEvaluationsStore((state) => state.evaluations)
  const load = useEvaluationsStore((state) => state.load)
  const revision = useAppStore((state) => state.revisions.evaluations ?? 0)
  const [evaluationId, setEvaluationId] = useState<number | null>(null)
  const [trained, setTrained] = useState('')
  const [untrained, setUntrained] = useState('')
  const [pass, setPass] = useState(0)
  const [onlyDisagreements, setOnlyDisagreements] = useState(true)
  const [index, setIndex] = useState(0)

  useEffect(() => {
    void load()
  }, [load, revision])
  // Default to the newest evaluation that has a trained and an untrained verifier on one generator.
  const chosenId = evaluationId ?? evaluations.find((evaluation) => evaluation.configurationIds.includes('untrained_v'))?.id ?? evaluations[0]?.id ?? null
  const detail = useLoaded<EvaluationDetail>(chosenId === null ? null : `detail:${chosenId}:${revision}`, () => workbench.evaluations.get({ evaluationId: chosenId! }))
  const configurations = detail.data?.id === chosenId ? detail.data.configurations.filter((configuration) => configuration.pipeline === 'GVR') : []
  const fallback = defaultVerifierPair(configurations)
  const trainedId = configurations.some((c) => c.id === trained) ? trained : (fallback?.trained ?? '')
  const untrainedId = configurations.some((c) => c.id === untrained) ? untrained : (fallback?.untrained ?? '')
  const passes = Math.min(...configurations.filter((c) => c.id === trainedId || c.id === untrainedId).map((c) => c.votes), 16)

  // Items come a window at a time (the whole list up to a window's size), so the picker can list them and stepping
  // within a window needs no call.
  const windowIndex = Math.floor(index / windowSize)
  const ready = chosenId !== null && trainedId !== '' && untrainedId !== '' && trainedId !== untrainedId
  const key = ready ? `${chosenId}:${trainedId}:${untrainedId}:${pass}:${onlyDisagreements}:${windowIndex}:${revision}` : null
  const comparison = useLoaded(key, () =>
    workbench.evaluations.verifierComparison({
      evaluationId: chosenId!,
      trained: trainedId,
      untrained: untrainedId,
      pass,
      onlyDisagreements,
      offset: windowIndex * windowSize,
      limit: windowSize
    })
  )
  const data = key && comparison.data ? comparison.data : null
  const total = data?.total ?? 0
  const item = data?.items[index - windowIndex * windowSize] ?? null

  useEffect(() => setIndex(0), [chosenId, trainedId, untrainedId, pass, onlyDisagreements])
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null
      if (target && ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName)) return
      const step = event.key === 'ArrowRight' || event.key === 'j' ? 1 : event.key === 'ArrowLeft' || event.key === 'k' ? -1 : 0
      if (step === 0) return
      event.preventDefault()
      setIndex((current) => stepIndex(current, step, total))
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [total])

  return (
    <div className="page compare-page">
      <PageHeader
        title="Compare"
        subtitle="The same generator output with the untrained and the trained verifier, each followed by its refinement (paper App. A.4)."
      />
      <section className="card toolbar compare-controls" aria-label="What to compare">
        <label className="field">
          <span>Evaluation</span>
          <select value={chosenId === null ? '' : String(chosenId)} onChange={(event) => setEvaluationId(Number(event.target.value))} data-testid="compare-evaluation">
            {evaluations.map((evaluation) => (
              <option key={evaluation.id} value={evaluation.id}>
                #{evaluation.id} {evaluation.name}
              </option>
            ))}
          </select>
        </label>
        <VerifierSelect label="Untrained verifier" configurations={configurations} value={untrainedId} onChange={setUntrained} testId="compare-untrained" />
        <VerifierSelect label="Trained verifier" configurations={configurations} value={trainedId} onChange={setTrained} testId="compare-trained" />
        <label className="field">
          <span>Pass</span>
          <select value={pass} onChange={(event) => setPass(Number(event.target.value))}>
            {Array.from({ length: Number.isFinite(passes) ? passes : 1 }, (_, each) => (
              <option key={each} value={each}>
                {each + 1}
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={onlyDisagreements} onChange={(event) => setOnlyDisagreements(event.target.checked)} data-testid="compare-only-disagreements" />
          only where they disagree
        </label>
        <label className="field">
          <span>Question (refinement: untrained → trained)</span>
          <select value={index} onChange={(event) => setIndex(Number(event.target.value))} disabled={total === 0} data-testid="compare-question-picker">
            {(data?.items ?? []).map((entry, offset) => (
              <option key={`${entry.seed}:${entry.questionId}`} value={windowIndex * windowSize + offset}>
                seed {entry.seed} · {entry.externalId} · {sideMark(entry.untrained.refinement?.correct)} → {sideMark(entry.trained.refinement?.correct)}
              </option>
            ))}
          </select>
        </label>
        <span className="spacer" />
        <span className="compare-stepper">
          <button type="button" onClick={() => setIndex((current) => stepIndex(current, -1, total))} disabled={total === 0} aria-label="Previous item" data-testid="compare-prev">
            ← Prev
          </button>
          <span className="muted" data-testid="compare-position">
            {total === 0 ? '0 / 0' : `${index + 1} / ${total}`}
          </span>
          <button type="button" onClick={() => setIndex((current) => stepIndex(current, 1, total))} disabled={total === 0} aria-label="Next item" data-testid="compare-next">
            Next →
          </button>
        </span>
      </section>

      {evaluations.length === 0 && <p className="muted">No evaluation yet: run one with MALT and “Untrained V” on the Evaluation page (or malt eval).</p>}
      {detail.data && configurations.length < 2 && (
        <p className="muted">This evaluation has fewer than two G → V → R configurations; include e.g. MALT and “Untrained V” to compare verifiers.</p>
      )}
      {comparison.error && <ErrorMessage error={comparison.error} title="Could not compare these verifiers" />}
      {data && (
        <p className="muted compare-summary" data-testid="compare-summary">
          {data.disagreements} item{data.disagreements === 1 ? '' : 's'} where the refinements disagree (one right, one wrong) · generator output{' '}
          <span className="mono">{data.generationChain}</span>, pass {data.pass + 1}
          {onlyDisagreements && data.disagreements === 0 && ' · untick “only where they disagree” to browse every item'}
        </p>
      )}
      {item && data && <ComparedItem item={item} trainedLabel={data.trained.label} untrainedLabel={data.untrained.label} />}
      <p className="muted keyboard-hint">Keys: ← / → (or k / j) step through the items.</p>
    </div>
  )
}

const windowSize = 200

/** ✓/✗ of one side's refinement in the picker (untrained → trained). */
function sideMark(correct: boolean | undefined): string {
  return correct === undefined ? '…' : correct ? '✓' : '✗'
}

function adapterName(adapter: 'base' | { adapterId: number }): string {
  return adapter === 'base' ? 'base' : `#${adapter.adapterId}`
}

/** A GVR configuration to read the verifier of, each named with the adapter its verifier runs. */
function VerifierSelect(props: {
  label: string
  configurations: EvaluationDetail['configurations']
  value: string
  onChange(configurationId: string): void
  testId: string
}): JSX.Element {
  return (
    <label className="field">
      <span>{props.label}</span>
      <select value={props.value} onChange={(event) => props.onChange(event.target.value)} data-testid={props.testId}>
        {props.configurations.map((configuration) => (
          <option key={configuration.id} value={configuration.id}>
            {configuration.label} (V: {adapterName(configuration.resolved.verifier)})
          </option>
        ))}
      </select>
    </label>
  )
}

function Verdict(props: { correct: boolean | null | undefined }): JSX.Element {
  if (props.correct === null || props.correct === undefined) return <span className="muted">—</span>
  return props.correct ? <span className="verdict good">✓ correct</span> : <span className="verdict bad">✗ wrong</span>
}

function ComparedItem(props: { item: VerifierComparisonItem; trainedLabel: string; untrainedLabel: string }): JSX.Element {
  const { item } = props
  const side = (title: string, which: 'untrained' | 'trained', label: string) => {
    const data = item[which]
    return (
      <div className={`compare-side compare-${which}`} data-testid={`compare-${which}-side`}>
        <h3>
          {title} <span className="muted">({label})</span>
        </h3>
        <article className="stage-output role-border-verifier">
          <header>
            <strong className="role-text-verifier">Verifier</strong>
            <span className="spacer" />
            {data.verification?.answer && <span className="mono">states {data.verification.answer}</span>}
          </header>
          <pre className="prewrap mono">{data.verification?.text ?? 'not computed yet'}</pre>
        </article>
        <article className="stage-output role-border-refiner">
          <header>
            <strong className="role-text-refiner">Refinement</strong>
            <span className="spacer" />
            <span className="mono">{data.refinement?.answer ?? '∅'}</span> <Verdict correct={data.refinement?.correct} />
          </header>
          <pre className="prewrap mono">{data.refinement?.text ?? 'not computed yet'}</pre>
        </article>
      </div>
    )
  }
  return (
    <section className="card compared-item" data-testid="compare-item">
      <div className="compare-question">
        <span className="muted mono">
          seed {item.seed} · {item.externalId}
        </span>
        {item.disagree && <span className="tag">disagree</span>}
        <p className="prewrap">{item.question}</p>
        <p>
          Gold answer <strong className="mono">{item.gold}</strong>
        </p>
      </div>
      <article className="stage-output role-border-generator" data-testid="compare-generation">
        <header>
          <strong className="role-text-generator">Generator output (read by both verifiers)</strong>
          <span className="spacer" />
          <span className="mono">{item.generation?.answer ?? '∅'}</span> <Verdict correct={item.generation?.correct} />
        </header>
        <pre className="prewrap mono">{item.generation?.text ?? 'not computed yet'}</pre>
      </article>
      <div className="compare-sides">
        {side('Untrained verifier', 'untrained', props.untrainedLabel)}
        {side('Trained verifier', 'trained', props.trainedLabel)}
      </div>
    </section>
  )
}
