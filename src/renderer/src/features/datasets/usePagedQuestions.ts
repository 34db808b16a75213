import { useMemo } from 'react'
import type { QuestionRow } from '@shared/api/schemas/datasets'
import { workbench } from '../../api/workbench'
import type { FetchRowPage } from '../../components/usePagedRows'
import { usePagedRows } from '../../components/usePagedRows'

const pageSize = 200

/** Loads a dataset's questions page by page as the table scrolls. */
export function usePagedQuestions(datasetId: number | null, split: string | null, search: string, revision: number) {
  const fetchPage = useMemo<FetchRowPage<QuestionRow> | null>(
    () =>
      datasetId === null
        ? null
        : (offset, limit) => workbench.datasets.questions({ datasetId, offset, limit, ...(split ? { split } : {}), ...(search ? { search } : {}) }),
    [datasetId, split, search]
  )
  return usePagedRows(fetchPage, pageSize, revision)
}
