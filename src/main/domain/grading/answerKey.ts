import type { Benchmark } from '@shared/benchmarks'
import { formatExactNumber, parseExactNumber } from './ExactNumber'
import { normalizeMathAnswer } from './normalizeMathAnswer'

/**
 * A canonical key for an extracted answer, so that equivalent answers vote together: the canonical number
 * for gsm8k (`1,200.50` and `1200.5` → `1200.5`), the normalized LaTeX for math (`\dfrac12` and `0.5` →
 * `0.5`; answers equal only symbolically, like `\sqrt{8}` and `2\sqrt{2}`, are merged by the vote itself),
 * the upper-case letter for csqa.
 */
export function answerKey(benchmark: Benchmark, extracted: string): string {
  switch (benchmark) {
    case 'gsm8k': {
      const n = parseExactNumber(extracted.replace(/[\s$]/g, ''))
      return n ? formatExactNumber(n) : extracted.trim()
    }
    case 'math':
      return normalizeMathAnswer(extracted)
    case 'csqa':
      return extracted.trim().toUpperCase()
  }
}
