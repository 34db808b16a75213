import { useMemo } from 'react'
import type { EvalItemView } from '@shared/api/schemas/evaluations'
import { workbench } from '../../api/workbench'
import type { FetchRowPage } from '../../components/usePagedRows'
import { usePagedRows } from '../../components/usePagedRows'

const pageSize = 50

export type ItemOutcome = 'all' | 'correct' | 'wrong' | 'incomplete'

/** Loads one configuration's per-item outputs page by page as the table scrolls (items carry every stage's text). */
export function usePagedEvalItems(evaluationId: number, configurationId: string | null, seed: number | null, outcome: ItemOutcome, refreshKey: string) {
  const fetchPage = useMemo<FetchRowPage<EvalItemView> | null>(
    () =>
      configurationId === null
        ? null
        : (offset, limit) => workbench.evaluations.items({ evaluationId, configurationId, outcome, offset, limit, ...(seed === null ? {} : { seed }) }),
    [evaluationId, configurationId, seed, outcome]
  )
  return usePagedRows(fetchPage, pageSize, refreshKey)
}
