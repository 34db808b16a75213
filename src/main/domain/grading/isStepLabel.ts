/**
 * Whether the number at `index` of `text` is a step label ("Step 4", "**Step 4:**", "step 4."): the role prompts
 * number the reasoning steps, and a step's number is never an answer (issue #11).
 */
export function isStepLabel(text: string, index: number): boolean {
  return /\bstep\s*[*_#]*\s*$/i.test(text.slice(Math.max(0, index - 12), index))
}
