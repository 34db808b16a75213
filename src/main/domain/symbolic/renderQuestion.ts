import type { QuestionSlot, SymbolicTemplate } from './parseSymbolicTemplate'

/**
 * Fills the question's `{var,default}` slots with `text(slot)`. Every slot of a variable shows the same value (the
 * text comes from the variable); a slot that starts a sentence gets a capital, so "{frac,half} of the balls" after
 * a full stop reads "Half of the balls", as GSM8K wrote it. A capitalized default elsewhere is not copied: those are
 * proper nouns (`{location,Farmers Market}`) or typos (`{creature,Dragons}` mid-sentence), and a sampled
 * "street bazaar" should stay lowercase.
 */
export function renderQuestion(template: SymbolicTemplate, text: (slot: QuestionSlot) => string): string {
  const source = template.questionText
  let out = ''
  let position = 0
  for (const slot of template.questionSlots) {
    out += source.slice(position, slot.start)
    let value = text(slot)
    if (startsSentence(source, slot.start)) value = capitalize(value)
    out += value
    position = slot.end
  }
  return (out + source.slice(position)).trim()
}

/** True when position `at` of `source` begins a sentence (start of text or line, or after `.`, `!`, `?`). */
export function startsSentence(source: string, at: number): boolean {
  const before = source.slice(0, at).replace(/[ \t]+$/, '')
  return before === '' || /(?:[.!?]|\n)$/.test(before)
}

export function capitalize(text: string): string {
  return text.replace(/^\p{Ll}/u, (c) => c.toUpperCase())
}
