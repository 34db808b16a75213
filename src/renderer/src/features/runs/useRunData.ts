import type { CreditSettings } from '@shared/api/schemas/runs'
import { workbench } from '../../api/workbench'
import { useDebouncedValue } from './useDebouncedValue'
import { useLoaded } from './useLoaded'

/** Credit settings as requests use them: settled for a moment, so a dragged slider asks once. */
export function useSettledCredit(credit: CreditSettings): CreditSettings {
  return useDebouncedValue(credit, 180)
}

const creditKey = (credit: CreditSettings) => `${credit.threshold}:${credit.pooling}:${credit.maxPairsPerParent ?? ''}:${credit.pairSeed}`

/** The run with its configuration (what reproduces it). */
export function useRunConfig(runId: number | null, refreshKey: string) {
  return useLoaded(runId === null ? null : `${runId}|${refreshKey}`, () => workbench.runs.get({ runId: runId! }))
}

/** Stage accuracies, flips and training-set sizes for one credit setting. */
export function useRunAnalysis(runId: number | null, credit: CreditSettings, refreshKey: string) {
  return useLoaded(runId === null ? null : `${runId}|${creditKey(credit)}|${refreshKey}`, () => workbench.runs.analysis({ runId: runId!, credit }))
}

/** One question's tree with values, labels and pair marks under the credit setting. */
export function useRunTree(runId: number | null, questionId: number | null, credit: CreditSettings, refreshKey: string) {
  return useLoaded(runId === null || questionId === null ? null : `${runId}|${questionId}|${creditKey(credit)}|${refreshKey}`, () =>
    workbench.runs.tree({ runId: runId!, questionId: questionId!, credit })
  )
}

/** A node's full text and prompt; nodes never change once stored, so no refresh. */
export function useNodeDetail(nodeId: number | null) {
  return useLoaded(nodeId === null ? null : String(nodeId), () => workbench.runs.node({ nodeId: nodeId! }))
}
