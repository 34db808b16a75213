import { useCallback, useEffect, useRef, useState } from 'react'
import type { QuestionOutcome } from '@shared/api/schemas/runs'
import { workbench } from '../../api/workbench'
import type { OutcomeFilter } from '../../stores/useRunsStore'

const pageSize = 200

/**
 * A run's questions with their outcomes, page by page as the table scrolls. A new run or filter starts over; a
 * refresh (the run moved on) re-reads the pages already shown in place, so the table does not flash or jump.
 */
export function useRunQuestions(runId: number | null, filter: OutcomeFilter, refreshKey: string) {
  const [total, setTotal] = useState(0)
  const [rows, setRows] = useState<Map<number, QuestionOutcome>>(new Map())
  const [error, setError] = useState<string | null>(null)
  const [loaded, setLoaded] = useState(false)
  const loadedPages = useRef(new Set<number>())
  const generation = useRef(0)

  const fetchPage = useCallback(
    async (page: number) => {
      if (runId === null) return
      const mine = generation.current
      try {
        const result = await workbench.runs.questions({ runId, filter, offset: page * pageSize, limit: pageSize })
        if (mine !== generation.current) return
        setTotal(result.total)
        setRows((previous) => {
          const next = new Map(previous)
          result.items.forEach((row, index) => next.set(page * pageSize + index, row))
          for (const index of next.keys()) if (index >= result.total) next.delete(index)
          return next
        })
        setError(null)
        setLoaded(true)
      } catch (caught) {
        loadedPages.current.delete(page)
        if (mine === generation.current) setError((caught as Error).message)
      }
    },
    [runId, filter]
  )

  const loadPage = useCallback(
    (page: number) => {
      if (loadedPages.current.has(page)) return
      loadedPages.current.add(page)
      void fetchPage(page)
    },
    [fetchPage]
  )

  useEffect(() => {
    generation.current += 1
    loadedPages.current = new Set()
    setRows(new Map())
    setTotal(0)
    setLoaded(false)
    loadPage(0)
  }, [loadPage])

  // Only the refresh key re-reads: a new run or filter already started over above.
  const fetchPageRef = useRef(fetchPage)
  fetchPageRef.current = fetchPage
  const lastRefreshKey = useRef(refreshKey)
  useEffect(() => {
    if (lastRefreshKey.current === refreshKey) return
    lastRefreshKey.current = refreshKey
    for (const page of loadedPages.current) void fetchPageRef.current(page)
  }, [refreshKey])

  const onVisibleRangeChange = useCallback(
    (start: number, end: number) => {
      for (let page = Math.floor(start / pageSize); page <= Math.floor(end / pageSize); page++) loadPage(page)
    },
    [loadPage]
  )

  const indexOf = (questionId: number | null): number | null => {
    if (questionId === null) return null
    for (const [index, row] of rows) if (row.questionId === questionId) return index
    return null
  }

  return { total, loaded, getRow: (index: number) => rows.get(index), indexOf, onVisibleRangeChange, error }
}
