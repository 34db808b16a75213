import { useCallback, useEffect, useRef, useState } from 'react'

export interface RowPage<Row> {
  total: number
  items: Row[]
}

/** Fetches `limit` rows from `offset`; a new function (new filters) starts the table over. */
export type FetchRowPage<Row> = (offset: number, limit: number) => Promise<RowPage<Row>>

/**
 * Rows for a VirtualTable, fetched page by page as it scrolls. `fetchPage` is null while there is nothing to show;
 * a new `fetchPage` or `reloadKey` drops every page, and answers to the dropped pages are ignored when they arrive.
 */
export function usePagedRows<Row>(fetchPage: FetchRowPage<Row> | null, pageSize: number, reloadKey: unknown) {
  const [total, setTotal] = useState(0)
  const [rows, setRows] = useState<Map<number, Row>>(new Map())
  const [error, setError] = useState<string | null>(null)
  const loadedPages = useRef(new Set<number>())
  // Bumped on every start-over, so a page that was in flight then cannot write into the new table.
  const generation = useRef(0)

  const loadPage = useCallback(
    async (page: number) => {
      if (fetchPage === null || loadedPages.current.has(page)) return
      loadedPages.current.add(page)
      const mine = generation.current
      try {
        const result = await fetchPage(page * pageSize, pageSize)
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
    [fetchPage, pageSize]
  )

  useEffect(() => {
    generation.current += 1
    loadedPages.current = new Set()
    setRows(new Map())
    setTotal(0)
    void loadPage(0)
  }, [loadPage, reloadKey])

  const onVisibleRangeChange = useCallback(
    (start: number, end: number) => {
      for (let page = Math.floor(start / pageSize); page <= Math.floor(end / pageSize); page++) void loadPage(page)
    },
    [loadPage, pageSize]
  )

  return { total, getRow: (index: number) => rows.get(index), onVisibleRangeChange, error }
}
