import { useCallback, useEffect, useRef, useState } from 'react'
import type { EvalItemView } from '@shared/api/schemas/evaluations'
import { workbench } from '../../api/workbench'

const pageSize = 50

export type ItemOutcome = 'all' | 'correct' | 'wrong' | 'incomplete'

/** Loads one configuration's per-item outputs page by page as the table scrolls (items carry every stage's text). */
export function usePagedEvalItems(evaluationId: number, configurationId: string | null, seed: number | null, outcome: ItemOutcome, refreshKey: string) {
  const [total, setTotal] = useState(0)
  const [rows, setRows] = useState<Map<number, EvalItemView>>(new Map())
  const [error, setError] = useState<string | null>(null)
  const loadedPages = useRef(new Set<number>())
  const generation = useRef(0)

  const loadPage = useCallback(
    async (page: number) => {
      if (configurationId === null || loadedPages.current.has(page)) return
      loadedPages.current.add(page)
      const mine = generation.current
      try {
        const result = await workbench.evaluations.items({
          evaluationId,
          configurationId,
          outcome,
          offset: page * pageSize,
          limit: pageSize,
          ...(seed === null ? {} : { seed })
        })
        if (mine !== generation.current) return
        setTotal(result.total)
        setRows((previous) => {
          const next = new Map(previous)
          result.items.forEach((row, index) => next.set(page * pageSize + index, row))
          return next
        })
        setError(null)
      } catch (caught) {
        loadedPages.current.delete(page)
        if (mine === generation.current) setError((caught as Error).message)
      }
    },
    [evaluationId, configurationId, seed, outcome]
  )

  useEffect(() => {
    generation.current += 1
    loadedPages.current = new Set()
    setRows(new Map())
    setTotal(0)
    void loadPage(0)
  }, [loadPage, refreshKey])

  const onVisibleRangeChange = useCallback(
    (start: number, end: number) => {
      for (let page = Math.floor(start / pageSize); page <= Math.floor(end / pageSize); page++) void loadPage(page)
    },
    [loadPage]
  )

  return { total, getRow: (index: number) => rows.get(index), onVisibleRangeChange, error }
}
