import { locateAnswerSpans } from './locateAnswerSpans'

/**
 * The answer of a MATH output, as the LaTeX the model wrote (compare it with {@link isMathEquivalent}),
 * or null.
 *
 * Takes whichever comes last of a `\boxed{…}` (braces matched; also `\fbox{…}` and `\boxed 5`) and a
 * `Final Answer: …` line, so `Final Answer: $\boxed{\frac{1}{2}}$` gives `\frac{1}{2}`. From a
 * `Final Answer:` line it takes the first `$…$` (or `\(…\)`) when there is one, else the line without
 * markdown and a trailing period. Without either, the text after the last "answer is" (Minerva's
 * "The final answer is $5$. I hope it is correct." included).
 */
export function extractMathAnswer(output: string): string | null {
  const spans = locateAnswerSpans(output)
  for (let i = spans.length - 1; i >= 0; i--) {
    const span = spans[i]!
    const value = span.kind === 'boxed' ? span.text.trim() : answerFromLine(span.text)
    if (value) return value
  }
  const answerIs = [...output.matchAll(/answer is\s*:?\s*([^\n]+)/gi)].at(-1)
  return answerIs ? answerFromLine(answerIs[1]!) : null
}

function answerFromLine(line: string): string | null {
  const math = /\$\$([^$]+)\$\$|\$([^$]+)\$|\\\((.+?)\\\)|\\\[(.+?)\\\]/.exec(line)
  const value = math ? (math[1] ?? math[2] ?? math[3] ?? math[4]!) : line.replace(/\s*I hope it is correct\.?\s*$/i, '')
  const cleaned = value
    .trim()
    .replace(/^[*_\s]+|[*_\s]+$/g, '')
    .replace(/[.。]$/, '')
    .trim()
  return cleaned.length > 0 ? cleaned : null
}
