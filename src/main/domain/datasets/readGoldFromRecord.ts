import type { Benchmark } from './benchmarkOfFormat'

/**
 * The gold answer stored in a dataset file's solution field: GSM8K's number after `#### `, or the content of the
 * last `\boxed{}` of a MATH solution. Returns null when there is none.
 */
export function readGoldFromRecord(benchmark: Benchmark, solution: string): string | null {
  if (benchmark === 'gsm8k') {
    const match = /####\s*(.+?)\s*$/s.exec(solution)
    const candidate = (match?.[1] ?? solution).replace(/[,$\s]/g, '')
    return /^-?\d+(?:\.\d+)?$/.test(candidate ?? '') ? String(Number(candidate)) : null
  }
  if (benchmark === 'math') return lastBoxedContent(solution)
  return solution.trim() || null
}

/** Content of the last `\boxed{…}` or `\fbox{…}`, braces matched. */
export function lastBoxedContent(text: string): string | null {
  const start = Math.max(text.lastIndexOf('\\boxed'), text.lastIndexOf('\\fbox'))
  if (start < 0) return null
  const open = text.indexOf('{', start)
  if (open < 0) return null
  let depth = 0
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++
    else if (text[i] === '}' && --depth === 0) return text.slice(open + 1, i).trim()
  }
  return null
}
