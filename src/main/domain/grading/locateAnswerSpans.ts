/**
 * Where a model's output states its answer. The role prompts ask for `Final Answer: …` and the debate
 * prompts for `\boxed{…}`, and models mix both (and repeat them: the paper quotes
 * `**Final Answer: Final Answer: 125**`), so the extractors look at every such span.
 */
export interface AnswerSpan {
  /** `finalAnswer`: "Final Answer:"; `finalAnswerIs`: "final answer is" (Minerva's sentence); `boxed`: `\boxed{}`. */
  kind: 'finalAnswer' | 'finalAnswerIs' | 'boxed'
  /** Offset of the marker (`Final Answer`, `\boxed`) in the output; later spans win. */
  index: number
  /**
   * For `finalAnswer`/`finalAnswerIs`: the rest of the marker's line (or the next non-empty line when the marker
   * ends its line), with markdown emphasis around it removed. For `boxed`: the brace-matched content.
   */
  text: string
  /** Offsets of `text` in the output: `output.slice(start, end) === text`. */
  start: number
  end: number
}

// "Final Answer:", "**Final Answer:**", "final answer is", "Final Answer**: ".
const finalAnswerPattern = /final\s*answer\s*(?:\*\*|__)?\s*(is\b)?\s*(?:\*\*|__)?\s*[:：]?/gi
const boxedPattern = /\\(?:boxed|fbox)(?![a-zA-Z])/g

export function locateAnswerSpans(output: string): AnswerSpan[] {
  const spans: AnswerSpan[] = []

  for (const match of output.matchAll(finalAnswerPattern)) {
    const { start, end } = lineAfter(output, match.index + match[0].length)
    spans.push({ kind: match[1] ? 'finalAnswerIs' : 'finalAnswer', index: match.index, text: output.slice(start, end), start, end })
  }

  let closers: Map<number, number> | undefined
  for (const match of output.matchAll(boxedPattern)) {
    closers ??= matchBraces(output)
    const content = boxedContent(output, match.index + match[0].length, closers)
    if (content !== null) spans.push({ kind: 'boxed', index: match.index, text: output.slice(content.start, content.end), ...content })
  }

  return spans.sort((a, b) => a.index - b.index)
}

/** The content of the last `\boxed{…}`/`\fbox{…}`/`\boxed x` in `text`, or null. */
export function lastBoxedContent(text: string): string | null {
  const boxed = locateAnswerSpans(text).filter((span) => span.kind === 'boxed')
  return boxed.at(-1)?.text ?? null
}

interface Range {
  start: number
  end: number
}

/**
 * Reads what follows `\boxed`: a brace group (braces matched, `\{` and `\}` skipped), or in the
 * `\boxed 5` form the text up to a `$`, a line end or the end. An unclosed group (a truncated output)
 * is no answer.
 */
function boxedContent(text: string, from: number, closers: ReadonlyMap<number, number>): Range | null {
  let i = from
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++
  if (text[i] !== '{') {
    if (i === from) return null // `\boxedx` is not the spaced form
    const stop = text.slice(i).search(/[$\n]/)
    const range = trimmed(text, i, stop < 0 ? text.length : i + stop)
    if (/[.,;]$/.test(text.slice(range.start, range.end))) range.end--
    return range.end > range.start ? trimmed(text, range.start, range.end) : null
  }
  const close = closers.get(i)
  return close === undefined ? null : trimmed(text, i + 1, close)
}

/**
 * Every `{` offset mapped to its `}`, in one pass (escaped `\{`, `\}` skipped), so that many boxes, or
 * many unclosed ones in a runaway output, cost linear time.
 */
function matchBraces(text: string): Map<number, number> {
  const closers = new Map<number, number>()
  const open: number[] = []
  for (let j = 0; j < text.length; j++) {
    const c = text[j]
    if (c === '\\') j++
    else if (c === '{') open.push(j)
    else if (c === '}') {
      const start = open.pop()
      if (start !== undefined) closers.set(start, j)
    }
  }
  return closers
}

// The value is on the marker's line or soon after it; the window keeps many markers from costing n².
const valueWindow = 2000

/** The rest of the line from `from` without emphasis, or the next non-empty line when that is empty. */
function lineAfter(text: string, from: number): Range {
  const limit = Math.min(text.length, from + valueWindow)
  let lineStart = from
  while (lineStart < limit) {
    let lineEnd = text.indexOf('\n', lineStart)
    if (lineEnd < 0 || lineEnd > limit) lineEnd = limit
    const range = withoutEmphasis(text, lineStart, lineEnd)
    if (range.end > range.start) return range
    lineStart = lineEnd + 1
  }
  return { start: from, end: from }
}

function withoutEmphasis(text: string, start: number, end: number): Range {
  while (start < end && /[\s*_#>]/.test(text[start]!)) start++
  while (end > start && /[\s*_]/.test(text[end - 1]!)) end--
  return { start, end }
}

function trimmed(text: string, start: number, end: number): Range {
  while (start < end && /\s/.test(text[start]!)) start++
  while (end > start && /\s/.test(text[end - 1]!)) end--
  return { start, end }
}
