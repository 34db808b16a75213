/** The key of one evaluated item (a question under one seed) in maps of stored units. */
export function itemKey(seed: number, questionId: number): string {
  return `${seed}:${questionId}`
}
