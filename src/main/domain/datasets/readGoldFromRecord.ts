import type { Benchmark } from '@shared/benchmarks'
import { lastBoxedContent } from '../grading/locateAnswerSpans'
import { parseGsm8kGold } from '../grading/parseGsm8kGold'

/**
 * The gold answer stored in a dataset file's solution field, in the form the benchmark's grader compares against:
 * GSM8K's number after `#### ` (canonical, as the grader extracts it), or the content of the last `\boxed{}` of a
 * MATH solution. Returns null when there is none.
 */
export function readGoldFromRecord(benchmark: Benchmark, solution: string): string | null {
  if (benchmark === 'gsm8k') return parseGsm8kGold(solution)
  if (benchmark === 'math') return lastBoxedContent(solution)
  return solution.trim() || null
}
