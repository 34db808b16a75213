import type { Dispatch, JSX, SetStateAction } from 'react'
import { useEffect, useMemo } from 'react'
import type { DatasetSummary } from '@shared/api/schemas/datasets'
import { formatCount } from '../format'

/** Which questions a new run or evaluation reads, as the form keeps it (select values are strings). */
export interface DatasetSplitChoice {
  datasetId: string
  split: string
}

/**
 * The chosen dataset, and the choice settled once datasets are known: an empty or unknown dataset becomes the
 * first one, a split it lacks becomes the first of `preferredSplits` it has, else its first split.
 * `preferredSplits` must be a constant: a new array each render would rerun the effect every time.
 */
export function useSettledDatasetSplit<Fields extends DatasetSplitChoice>(
  datasets: DatasetSummary[],
  fields: Fields,
  setFields: Dispatch<SetStateAction<Fields>>,
  preferredSplits: readonly string[]
): DatasetSummary | null {
  const dataset = useMemo(() => datasets.find((candidate) => String(candidate.id) === fields.datasetId) ?? null, [datasets, fields.datasetId])
  useEffect(() => {
    const first = dataset ?? datasets[0]
    if (!first) return
    const preferred = preferredSplits.map((name) => first.splits.find((s) => s.split === name)).find((found) => found !== undefined) ?? first.splits[0]
    const split = first.splits.some((s) => s.split === fields.split) ? fields.split : preferred?.split
    if (String(first.id) !== fields.datasetId || split !== fields.split) setFields((current) => ({ ...current, datasetId: String(first.id), split: split ?? '' }))
  }, [datasets, dataset, fields.datasetId, fields.split, setFields, preferredSplits])
  return dataset
}

/** The dataset and split selects of a form grid; their test ids are `<testIdPrefix>-dataset` and `<testIdPrefix>-split`. */
export function DatasetSplitFields(props: {
  datasetLabel: string
  datasets: DatasetSummary[]
  /** The dataset `choice.datasetId` names, whose splits the second select offers. */
  dataset: DatasetSummary | null
  choice: DatasetSplitChoice
  onChange(patch: Partial<DatasetSplitChoice>): void
  testIdPrefix: string
}): JSX.Element {
  return (
    <>
      <label className="field">
        <span>{props.datasetLabel}</span>
        <select value={props.choice.datasetId} onChange={(event) => props.onChange({ datasetId: event.target.value, split: '' })} data-testid={`${props.testIdPrefix}-dataset`}>
          {props.datasets.map((candidate) => (
            <option key={candidate.id} value={candidate.id}>
              {candidate.name} ({candidate.benchmark})
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Split</span>
        <select value={props.choice.split} onChange={(event) => props.onChange({ split: event.target.value })} data-testid={`${props.testIdPrefix}-split`}>
          {props.dataset?.splits.map((s) => (
            <option key={s.split} value={s.split}>
              {s.split} ({formatCount(s.count)})
            </option>
          ))}
        </select>
      </label>
    </>
  )
}
