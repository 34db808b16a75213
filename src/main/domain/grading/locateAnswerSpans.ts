/**
 * Where a model's output states its answer. The role prompts ask for `Final Answer: …` and the debate
 * prompts for `\boxed{…}`, and models mix both (and repeat them: the paper quotes
 * `**Final Answer: Final Answer: 125**`), so the extractors look at every such span and take the last.
 */
export interface AnswerSpan {
  kind: 'finalAnswer' | 'boxed'
  /** Offset of the marker (`Final Answer`, `\boxed`) in the output; later spans win. */
  index: number
  /**
   * For `finalAnswer`: the rest of the marker's line (or the next non-empty line when the marker ends its
   * line), with markdown emphasis around it removed. For `boxed`: the brace-matched content.
   */
  text: string
}

// "Final Answer:", "**Final Answer:**", "final answer is", "Final Answer**: ".
const finalAnswerPattern = /final\s*answer\s*(?:\*\*|__)?\s*(?:is\b)?\s*(?:\*\*|__)?\s*[:：]?/gi
const boxedPattern = /\\(?:boxed|fbox)(?![a-zA-Z])/g

export function locateAnswerSpans(output: string): AnswerSpan[] {
  const spans: AnswerSpan[] = []

  for (const match of output.matchAll(finalAnswerPattern)) {
    const text = lineAfter(output, match.index + match[0].length)
    spans.push({ kind: 'finalAnswer', index: match.index, text: stripEmphasis(text) })
  }

  let closers: Map<number, number> | undefined
  for (const match of output.matchAll(boxedPattern)) {
    closers ??= matchBraces(output)
    const content = boxedContent(output, match.index + match[0].length, closers)
    if (content !== null) spans.push({ kind: 'boxed', index: match.index, text: content })
  }

  return spans.sort((a, b) => a.index - b.index)
}

/** The content of the last `\boxed{…}`/`\fbox{…}`/`\boxed x` in `text`, or null. */
export function lastBoxedContent(text: string): string | null {
  const boxed = locateAnswerSpans(text).filter((span) => span.kind === 'boxed')
  return boxed.at(-1)?.text ?? null
}

/**
 * Reads what follows `\boxed`: a brace group (braces matched, `\{` and `\}` skipped), or in the
 * `\boxed 5` form the text up to a `$`, a line end or the end. An unclosed group (a truncated output)
 * is no answer.
 */
function boxedContent(text: string, from: number, closers: ReadonlyMap<number, number>): string | null {
  let i = from
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++
  if (text[i] !== '{') {
    if (i === from) return null // `\boxedx` is not the spaced form
    const end = text.slice(i).search(/[$\n]/)
    const content = (end < 0 ? text.slice(i) : text.slice(i, i + end)).trim().replace(/[.,;]$/, '')
    return content.length > 0 ? content : null
  }
  const close = closers.get(i)
  return close === undefined ? null : text.slice(i + 1, close).trim()
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

function lineAfter(text: string, from: number): string {
  const lines = text.slice(from, from + valueWindow).split('\n')
  const first = lines[0]!.trim()
  if (stripEmphasis(first).length > 0) return first
  // The value sits on the next line: "Final Answer:\n\n25".
  return lines.slice(1).find((line) => stripEmphasis(line.trim()).length > 0)?.trim() ?? ''
}

function stripEmphasis(text: string): string {
  return text
    .replace(/^[\s*_#>]+/, '')
    .replace(/[\s*_]+$/, '')
    .trim()
}
