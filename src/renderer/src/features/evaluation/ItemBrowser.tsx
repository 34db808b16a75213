import type { JSX } from 'react'
import { useEffect, useMemo, useState } from 'react'
import type { EvalItemView, EvaluationView } from '@shared/api/schemas/evaluations'
import type { Column } from '../../components/VirtualTable'
import { VirtualTable } from '../../components/VirtualTable'
import type { ItemOutcome } from './usePagedEvalItems'
import { usePagedEvalItems } from './usePagedEvalItems'
import { GradedText, GradingNote } from '../../components/GradedText'

const verdict = (correct: boolean | null) =>
  correct === null ? <span className="muted">…</span> : correct ? <span className="verdict good">✓</span> : <span className="verdict bad">✗</span>

const columns: Column<EvalItemView>[] = [
  { key: 'seed', header: 'Seed', width: '56px', render: (item) => item.seed },
  { key: 'id', header: 'Question', width: '110px', render: (item) => <span className="mono ellipsis">{item.externalId}</span> },
  { key: 'question', header: 'Text', width: 'minmax(200px, 3fr)', render: (item) => <span className="ellipsis" title={item.question}>{item.question}</span> },
  { key: 'gold', header: 'Gold', width: '90px', render: (item) => <span className="mono ellipsis">{item.gold}</span> },
  { key: 'votes', header: 'Votes', width: 'minmax(110px, 1fr)', render: (item) => <span className="mono ellipsis">{item.votes.map((vote) => vote.answer ?? '∅').join(' · ') || '—'}</span> },
  { key: 'answer', header: 'Answer', width: '90px', render: (item) => <span className="mono ellipsis">{item.answer ?? '—'}</span> },
  { key: 'correct', header: '', width: '36px', render: (item) => verdict(item.correct) }
]

/** Every item of one configuration (virtualized), with every stage's output, extracted answers and votes of the one opened. */
export function ItemBrowser(props: { evaluation: EvaluationView; refreshKey: string }): JSX.Element {
  const { evaluation } = props
  const [configurationId, setConfigurationId] = useState<string>(evaluation.configurationIds[0] ?? '')
  const [seed, setSeed] = useState<number | null>(null)
  const [outcome, setOutcome] = useState<ItemOutcome>('all')
  const [selected, setSelected] = useState<number | null>(null)
  useEffect(() => {
    if (!evaluation.configurationIds.includes(configurationId)) setConfigurationId(evaluation.configurationIds[0] ?? '')
  }, [evaluation.configurationIds, configurationId])
  const paged = usePagedEvalItems(evaluation.id, configurationId || null, seed, outcome, props.refreshKey)
  useEffect(() => setSelected(null), [configurationId, seed, outcome])
  const item = selected === null ? undefined : paged.getRow(selected)
  const onRowClick = useMemo(() => (_row: EvalItemView, index: number) => setSelected(index), [])

  return (
    <section className="card run-questions" aria-label="Evaluation items" data-testid="evaluation-items">
      <div className="toolbar">
        <h2>Items</h2>
        <select value={configurationId} onChange={(event) => setConfigurationId(event.target.value)} aria-label="Configuration" data-testid="items-configuration">
          {evaluation.configurationIds.map((id) => (
            <option key={id} value={id}>
              {id}
            </option>
          ))}
        </select>
        <select value={seed === null ? '' : String(seed)} onChange={(event) => setSeed(event.target.value === '' ? null : Number(event.target.value))} aria-label="Seed">
          <option value="">all seeds</option>
          {evaluation.seeds.map((each) => (
            <option key={each} value={each}>
              seed {each}
            </option>
          ))}
        </select>
        <select value={outcome} onChange={(event) => setOutcome(event.target.value as ItemOutcome)} aria-label="Outcome" data-testid="items-outcome">
          <option value="all">All</option>
          <option value="correct">Correct</option>
          <option value="wrong">Wrong</option>
          <option value="incomplete">Incomplete</option>
        </select>
        <span className="muted" data-testid="items-shown">
          {paged.total} shown
        </span>
      </div>
      {paged.error && <p className="error-text">{paged.error}</p>}
      <div className="run-questions-table">
        <VirtualTable
          label="Evaluation items"
          columns={columns}
          rowCount={paged.total}
          getRow={paged.getRow}
          onVisibleRangeChange={paged.onVisibleRangeChange}
          onRowClick={onRowClick}
          selectedIndex={selected}
        />
      </div>
      {item && <ItemDetail item={item} />}
    </section>
  )
}

function ItemDetail(props: { item: EvalItemView }): JSX.Element {
  const { item } = props
  return (
    <div className="item-detail" data-testid="item-detail">
      <p className="prewrap">{item.question}</p>
      <p>
        Gold <strong className="mono">{item.gold}</strong> · answer <strong className="mono">{item.answer ?? '—'}</strong> {verdict(item.correct)}
        {item.turns.length > 1 && (
          <span className="muted">
            {' '}
            · by turn: {item.turns.map((turn) => `${turn.label} ${turn.answer ?? '∅'}${turn.correct ? ' ✓' : ' ✗'}`).join(' → ')}
          </span>
        )}
      </p>
      {item.passes.map((pass) => (
        <div key={pass.pass} className="item-pass">
          {item.passes.length > 1 && <h3>Pass {pass.pass + 1}</h3>}
          <div className="item-units">
            {pass.units.map((unit) => (
              <article key={unit.outputId} className={`stage-output role-border-${unit.role}`}>
                <header>
                  <strong className={`role-text-${unit.role}`}>
                    {unit.stage === 'debate' ? `Agent ${(unit.agent ?? 0) + 1}, round ${(unit.round ?? 0) + 1}` : unit.stage}
                  </strong>
                  <span className="muted mono">{unit.adapter}</span>
                  <span className="spacer" />
                  <span className="mono">{unit.answer ?? '∅'}</span> {verdict(unit.correct)}
                </header>
                <GradingNote extraction={unit.extraction} reason={unit.gradeReason} />
                <GradedText className="prewrap mono" text={unit.text} extraction={unit.extraction} />
              </article>
            ))}
          </div>
        </div>
      ))}
    </div>
  )
}
