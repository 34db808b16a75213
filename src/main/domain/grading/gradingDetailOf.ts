import type { AnswerExtractionView } from '@shared/api/schemas/common'
import { isStatedAnswer } from '@shared/grading/AnswerExtraction'
import type { Benchmark } from '@shared/benchmarks'
import { findAnswer, gradeOutput } from './gradeAnswer'

export interface GradingDetail {
  extraction: AnswerExtractionView | null
  gradeReason: string | null
}

/**
 * What the grader takes from a stored output and why, for showing it (the Playground, the tree explorer, the
 * evaluation items): computed again from the text, because grading is pure and fast (well under a millisecond for a
 * typical output), so outputs stored before this existed show it too. Without a gold answer only the extraction.
 */
export function gradingDetailOf(
  benchmark: Benchmark,
  text: string,
  gold: string | null | undefined,
  options: { choices?: readonly string[] | null; statedOnly?: boolean } = {}
): GradingDetail {
  const choices = options.choices ? { choices: options.choices } : {}
  if (gold === null || gold === undefined) {
    const any = findAnswer(benchmark, text, options.choices ?? undefined)
    const found = any && (!options.statedOnly || isStatedAnswer(any.source)) ? any : null
    return { extraction: found && { source: found.source, start: found.start, end: found.end }, gradeReason: null }
  }
  const graded = gradeOutput(benchmark, text, gold, { ...choices, statedOnly: options.statedOnly ?? false })
  const e = graded.extraction
  return { extraction: e && { source: e.source, start: e.start, end: e.end }, gradeReason: graded.reason }
}
