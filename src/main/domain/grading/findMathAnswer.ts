import type { AnswerExtraction, ExtractionSource } from '@shared/grading/AnswerExtraction'
import { isStepLabel } from './isStepLabel'
import { locateAnswerSpans, type AnswerSpan } from './locateAnswerSpans'

/**
 * The answer of a MATH output: the LaTeX the model wrote (compare it with `compareMathAnswers`), where it was
 * found, or null. In this order:
 *
 * 1. the last answer stated in an answer format, whichever of these comes last in the text: a `\boxed{…}` or
 *    `\fbox{…}` (braces matched; `\boxed 5` too), a `Final Answer:` line, or "The final answer is … I hope it is
 *    correct." (Minerva's format). A line gives its first `$…$` (or `\(…\)`, `\[…\]`), else the line without
 *    markdown, a trailing period and a leading "the answer is"; a line of prose gives its last number. A later
 *    statement is the model's last word, so `\boxed{5} … Final Answer: 6` is 6; a box inside the line is the box;
 * 2. the whole text when it is a bare answer (`-5`, `1,000.99`, `x \geq 5`, `\text{Evelyn}`);
 * 3. the last math in `$$…$$`, `\[…\]`, `$…$` or `\(…\)`, or the last number after it in the text (`… increases
 *    by 100%.`), whichever comes last.
 *
 * A step label ("Step 4") is never an answer, and neither is a verdict ("Final Answer: The answer is correct.").
 * The answer is always a verbatim slice of the output: `output.slice(start, end)`.
 */
export function findMathAnswer(output: string): AnswerExtraction | null {
  const found = lastStated(output) ?? withSource('lastValue', bareAnswer(output)) ?? lastInText(output)
  return found && { answer: output.slice(found.start, found.end), ...found }
}

interface Range {
  start: number
  end: number
}

interface Found extends Range {
  source: ExtractionSource
}

/** The last span (box, Final Answer line, final-answer sentence) that holds an answer. */
function lastStated(output: string): Found | null {
  const spans = locateAnswerSpans(output)
  for (let i = spans.length - 1; i >= 0; i--) {
    const span = spans[i]!
    const range = span.kind === 'boxed' ? boxedAnswer(output, span) : lineAnswer(output, span.start, span.end)
    if (range) return { source: span.kind, ...range }
  }
  return null
}

function withSource(source: ExtractionSource, range: Range | null): Found | null {
  return range && { source, ...range }
}

function boxedAnswer(output: string, span: AnswerSpan): Range | null {
  const range = { start: span.start, end: span.end }
  return holdsAnswer(output, range) ? range : null
}

/**
 * Math delimiters; `$$` before `$` so that display math is not read as two inline pieces. An escaped dollar `\$`
 * (money) is content, not a delimiter: `$\$18.90$`.
 */
const mathPattern = /(?<!\\)\$\$((?:\\\$|[^$])+?)(?<!\\)\$\$|\\\[([\s\S]+?)\\\]|\\\(([\s\S]+?)\\\)|(?<!\\)\$((?:\\\$|[^$\n])+?)(?<!\\)\$/g

/** What a `Final Answer:` line (offsets `start`–`end`) holds, or null. */
function lineAnswer(output: string, start: number, end: number): Range | null {
  const line = output.slice(start, end)
  mathPattern.lastIndex = 0
  const math = mathPattern.exec(line)
  if (math) {
    const range = groupRange(math, start)
    if (range && holdsAnswer(output, range) && !namesBeforeAnswer(output, range, end)) return range
    if (range && namesBeforeAnswer(output, range, end)) return lineAnswer(output, range.end + 1, end) ?? lastNumber(output, { start: range.end + 1, end })
  }
  let range: Range = { start, end }
  const text = () => output.slice(range.start, range.end)
  const hope = /[\s.,]*I hope it is correct\.?\s*$/i.exec(text())
  if (hope) range = { start: range.start, end: range.start + hope.index }
  const lead = /^\s*(?:(?:so|thus|therefore|hence),?\s*)?(?:(?:the\s+)?(?:final\s+)?answer\s+)?(?:is|are|equals)\s*:?\s*/i.exec(text())
  if (lead) range = { start: range.start + lead[0].length, end: range.end }
  range = trimmed(output, range)
  if (range.end <= range.start) return null
  if (isBareAnswer(text())) return holdsAnswer(output, range) ? range : null
  return lastNumber(output, range)
}

/**
 * A line of prose that names things in math before giving the answer ("The largest $n$ is 34.", "The volume of
 * $ABCDEFGH$ is 120."): its first math is a name, not the answer, when a number follows it.
 */
function namesBeforeAnswer(output: string, math: Range, end: number): boolean {
  const content = output.slice(math.start, math.end).trim()
  return /^[A-Za-z]+(?:\([A-Za-z]\))?$/.test(content) && /\bis\s*:?\s*[-\d$\\]/.test(output.slice(math.end, end))
}

/** The content of the last math delimiters in the output that holds an answer, and where the delimiters end. */
function lastMath(output: string): (Range & { matchEnd: number }) | null {
  let last: (Range & { matchEnd: number }) | null = null
  mathPattern.lastIndex = 0
  for (const match of output.matchAll(mathPattern)) {
    const range = groupRange(match, 0)
    // A box inside math that did not close (stage 1 read every closed one) is a cut-off answer.
    if (range && holdsAnswer(output, range) && !/\\(?:boxed|fbox)(?![a-zA-Z])/.test(output.slice(range.start, range.end))) {
      last = { ...range, matchEnd: match.index + match[0].length }
    }
  }
  return last
}

/** The whole output when it is one short bare answer without math delimiters. */
function bareAnswer(output: string): Range | null {
  // A box that did not close is an output cut off in its answer: nothing in it can be trusted.
  if (/\\(?:boxed|fbox)(?![a-zA-Z])/.test(output)) return null
  const range = trimmed(output, { start: 0, end: output.length })
  const text = output.slice(range.start, range.end)
  if (range.end <= range.start || text.includes('\n') || text.length > maxBareLength || !isBareAnswer(text)) return null
  mathPattern.lastIndex = 0
  if (mathPattern.test(text)) return null
  return holdsAnswer(output, range) ? range : null
}

/** The last math in the text, or the last number after it, whichever comes last. */
function lastInText(output: string): Found | null {
  if (/\\(?:boxed|fbox)(?![a-zA-Z])/.test(output)) return null
  const math = lastMath(output)
  const number = lastNumber(output, { start: math?.matchEnd ?? 0, end: output.length })
  if (number) return { source: 'lastValue', ...number }
  return math && { source: 'math', start: math.start, end: math.end }
}

// `1,000.99`, `-3`, `.5`, `3/4`, `12%`, a decimal comma `2,74`; the look-behind keeps `x2` and `5-3` from giving
// `2` and `-3`.
const numberPattern = /(?<![\w.])-?(?:(?:\d{1,3}(?:,\d{3})+(?!,?\d)|\d+,\d{1,2}(?![\d,])|\d+)(?:\.\d+)?(?:\s*\/\s*\d+(?!\d|\.\d))?|\.\d+)(?:\s*\\?%)?/g

function lastNumber(output: string, range: Range): Range | null {
  const text = output.slice(range.start, range.end)
  let last: Range | null = null
  for (const match of text.matchAll(numberPattern)) {
    const at = range.start + match.index
    if (!isStepLabel(output, at)) last = { start: at, end: at + match[0].length }
  }
  return last
}

function groupRange(match: RegExpExecArray | RegExpMatchArray, offset: number): Range | null {
  for (let g = 1; g < match.length; g++) {
    const content = match[g]
    if (content === undefined) continue
    const start = offset + match.index! + match[0].indexOf(content, g === 4 ? 1 : 2)
    const range = { start, end: start + content.length }
    while (range.start < range.end && /\s/.test(content[range.start - start]!)) range.start++
    while (range.end > range.start && /\s/.test(content[range.end - 1 - start]!)) range.end--
    return range
  }
  return null
}

// A bare answer is short; longer text is prose, read for its last number.
const maxBareLength = 160

/**
 * Whether text is an answer on its own rather than prose: no two plain words in a row once LaTeX text commands
 * are set aside (`x \geq 5`, `12 apples`, `\text{Devon and Rebecca}`, `Evelyn`, but not "the answer is 5").
 */
function isBareAnswer(text: string): boolean {
  // "Soucis : 2,74 $" is a label and a value in prose.
  if (/[A-Za-z]\s*:\s/.test(text)) return false
  const withoutText = text.replace(/\\(?:text\w*|mathrm|mathbf|mbox|operatorname)\s*\{[^{}]*\}/g, ' T ').replace(/\\[a-zA-Z]+/g, ' ')
  return !/[A-Za-z]{2,}[\s,;:]+[A-Za-z]{2,}/.test(withoutText)
}

/** Not empty, not a step label, not a verdict about another answer. */
function holdsAnswer(output: string, range: Range): boolean {
  const text = output
    .slice(range.start, range.end)
    .replace(/\\text\w*\s*\{([^{}]*)\}/g, '$1')
    .trim()
  if (text.length === 0) return false
  if (/^step\s*\d+\s*[:.]?$/i.test(text)) return false
  return !/^(?:(?:is|was|seems|looks)\s+)?(?:correct|incorrect|right|wrong|valid|invalid)\s*[.!]?$/i.test(text)
}

/** Without surrounding spaces and markdown emphasis, and without a closing period. */
function trimmed(output: string, range: Range): Range {
  let { start, end } = range
  while (start < end && /[\s*_]/.test(output[start]!)) start++
  while (end > start && /[\s*_.。]/.test(output[end - 1]!)) end--
  return { start, end }
}
