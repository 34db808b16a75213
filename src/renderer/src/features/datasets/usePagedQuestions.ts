import { useCallback, useEffect, useRef, useState } from 'react'
import type { QuestionRow } from '@shared/api/schemas/datasets'
import { workbench } from '../../api/workbench'

const pageSize = 200

/** Loads a dataset's questions page by page as the table scrolls. */
export function usePagedQuestions(datasetId: number | null, split: string | null, search: string, revision: number) {
  const [total, setTotal] = useState(0)
  const [rows, setRows] = useState<Map<number, QuestionRow>>(new Map())
  const [error, setError] = useState<string | null>(null)
  const loadedPages = useRef(new Set<number>())
  const generation = useRef(0)

  const loadPage = useCallback(
    async (page: number) => {
      if (datasetId === null || loadedPages.current.has(page)) return
      loadedPages.current.add(page)
      const mine = generation.current
      try {
        const result = await workbench.datasets.questions({
          datasetId,
          offset: page * pageSize,
          limit: pageSize,
          ...(split ? { split } : {}),
          ...(search ? { search } : {})
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
    [datasetId, split, search]
  )

  useEffect(() => {
    generation.current += 1
    loadedPages.current = new Set()
    setRows(new Map())
    setTotal(0)
    void loadPage(0)
  }, [loadPage, revision])

  const onVisibleRangeChange = useCallback(
    (start: number, end: number) => {
      for (let page = Math.floor(start / pageSize); page <= Math.floor(end / pageSize); page++) void loadPage(page)
    },
    [loadPage]
  )

  return { total, getRow: (index: number) => rows.get(index), onVisibleRangeChange, error }
}
