import type { runsApi } from '@shared/api/schemas/runs'
import type { z } from 'zod'
import type { Role } from './formatRuns'
import { roleNames, roleOrder } from './formatRuns'

export type RunAnalysis = z.output<(typeof runsApi)['analysis']['output']>

export interface StageAccuracyRow {
  role: Role
  stage: string
  /** Percent, 0–100; null when the stage has no graded output yet. */
  accuracy: number | null
}

/** Accuracy of G, then V (verifiers that state an answer), then R: the paper's Fig. 3 "improvement over turns". */
export function stageAccuracyRows(analysis: RunAnalysis): StageAccuracyRow[] {
  return roleOrder.map((role) => ({
    role,
    stage: roleNames[role],
    accuracy: analysis.stageAccuracy[role] === null ? null : Math.round(analysis.stageAccuracy[role]! * 1000) / 10
  }))
}

export interface FlipRow {
  stage: string
  wrongToRight: number
  rightToWrong: number
  unchangedRight: number
  unchangedWrong: number
}

/** Wrong→right against right→wrong per stage (paper Fig. 2): what verification and refinement fix and break. */
export function flipRows(analysis: RunAnalysis): FlipRow[] {
  return [
    { stage: 'g → v', ...analysis.flips.verifier },
    { stage: 'g → r', ...analysis.flips.refiner }
  ]
}

export interface TrainingSetRow {
  role: Role
  label: string
  sft: number
  pairs: number
  /** Share of questions (0–100) with at least one pair for this role. */
  questionsWithPairs: number
}

export function trainingSetRows(analysis: RunAnalysis): TrainingSetRow[] {
  const sets = analysis.trainingSets
  return roleOrder.map((role) => ({
    role,
    label: roleNames[role],
    sft: sets.sft[role],
    pairs: sets.pairs[role],
    questionsWithPairs: sets.questions === 0 ? 0 : Math.round((1000 * sets.questionsWithPairs[role]) / sets.questions) / 10
  }))
}
