import type { AnswerExtraction, ExtractionSource } from '@shared/grading/AnswerExtraction'
import { locateAnswerSpans } from './locateAnswerSpans'

export const csqaLabels = ['A', 'B', 'C', 'D', 'E'] as const

/**
 * The answer letter (A–E) of a CommonsenseQA output, or null.
 *
 * From the last `Final Answer:` (or `\boxed{}`) span that yields one, it reads a leading letter in the forms
 * `D`, `(D)`, `D:`, `D) ground`, `D. ground`, `**D**`, else the text of a choice (`Final Answer: ground` → D;
 * the earliest mentioned choice wins, the longest on a tie), else a lone capital A–E in the span. Without
 * such a span it takes the last `(X)` in the output (the debate prompts' format), then "answer is X".
 *
 * A leading `A` followed by a word is read as the article when the rest names a choice:
 * `Final Answer: A service station` is E when E is "service station".
 *
 * @param choices the five choice texts in label order, used to map a written-out answer to its letter.
 */
export function extractCsqaAnswer(output: string, choices: readonly string[] = []): string | null {
  return findCsqaAnswer(output, choices)?.answer ?? null
}

/**
 * {@link extractCsqaAnswer} with where the letter was found: the span it was read from (`finalAnswer`, `boxed`),
 * the last `(X)` (`lastValue`) or "answer is X" (`answerIs`).
 */
export function findCsqaAnswer(output: string, choices: readonly string[] = []): AnswerExtraction | null {
  const spans = locateAnswerSpans(output)
  for (let i = spans.length - 1; i >= 0; i--) {
    const span = spans[i]!
    const letter = letterFromSpan(span.text, choices)
    if (letter) return { answer: letter, source: span.kind as ExtractionSource, start: span.start, end: span.end }
  }
  const parenthesized = [...output.matchAll(/\(([A-E])\)/g)].at(-1)
  if (parenthesized) return { answer: parenthesized[1]!, source: 'lastValue', start: parenthesized.index, end: parenthesized.index + 3 }
  const answerIs = [...output.matchAll(/answer is\s*:?\s*\**\s*\(?([A-E])(?![A-Za-z])/g)].at(-1)
  if (!answerIs) return null
  const end = answerIs.index + answerIs[0].length
  return { answer: answerIs[1]!, source: 'answerIs', start: end - 1, end }
}

function letterFromSpan(text: string, choices: readonly string[]): string | null {
  const t = text.replace(/\*\*/g, '').trim()

  const leading = /^[([]?\s*([A-E])(?![A-Za-z0-9])(.*)$/s.exec(t)
  if (leading) {
    const letter = leading[1]!
    const rest = leading[2]!
    if (/^\s*(?:[)\]:.,\-–]|$)/.test(rest)) return letter
    // A letter followed by a word: "D ground", or the article in "A service station".
    const named = choiceIn(rest, choices)
    return letter === 'A' && named !== null ? named : letter
  }
  const lowerCase = /^[([]?\s*([a-e])\s*[)\]]?[.:]?$/.exec(t)
  if (lowerCase) return lowerCase[1]!.toUpperCase()

  const named = choiceIn(t, choices)
  if (named !== null) return named

  // "The answer is D." A lone "A" before a lower-case word is the article.
  const lone = /(?<![A-Za-z'’])(?:([B-E])|(A)(?!\s+[a-z]))(?![A-Za-z'’])/.exec(t)
  return lone ? (lone[1] ?? lone[2]!) : null
}

/**
 * The label of the choice whose text appears first in `text` (the longest on a tie), or null; null too when
 * that text belongs to two choices.
 */
function choiceIn(text: string, choices: readonly string[]): string | null {
  const haystack = ` ${simplify(text)} `
  let best: { at: number; length: number; index: number } | null = null
  choices.forEach((choice, index) => {
    const needle = simplify(choice)
    if (needle.length === 0) return
    const at = haystack.indexOf(` ${needle} `)
    if (at < 0) return
    if (!best || at < best.at || (at === best.at && needle.length > best.length)) {
      best = { at, length: needle.length, index }
    }
  })
  const found = best as { index: number; length: number } | null
  if (!found) return null
  // Two choices with the same text (CSQA dev has one such question) cannot be told apart by text.
  const foundText = simplify(choices[found.index]!)
  if (choices.some((choice, i) => i !== found.index && simplify(choice) === foundText)) return null
  return csqaLabels[found.index] ?? null
}

function simplify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
}
