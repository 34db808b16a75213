import { AppError } from '@shared/errors'

/** CSQA's choices as the paper shows them (App. A.4): one line each, `A: manual` … `E: service station`. */
export function formatChoices(choices: readonly string[]): string {
  return choices.map((text, i) => `${choiceLabel(i)}: ${text}`).join('\n')
}

export function choiceLabel(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index > 25) {
    throw new AppError('invalid_input', `a question can have at most 26 choices, got index ${index}`)
  }
  return String.fromCharCode(65 + index)
}
