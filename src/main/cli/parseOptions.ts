import { InvalidInputError } from '@shared/errors/InvalidInputError'

/**
 * A flag's text as an integer. The range is for flags of the CLI's own (`--per-template`, `--port`); a flag that fills
 * a field of the API contract leaves ranges to the contract's schema (see SchemaFlags).
 */
export function parseIntegerOption(flag: string, text: string, range: { min?: number; max?: number } = {}): number {
  const value = Number(text)
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(value)) throw new InvalidInputError(`${flag}: '${text}' is not an integer`, flag, 'an integer', text)
  checkRange(flag, value, range)
  return value
}

/** A flag's text as a finite number; the range as in {@link parseIntegerOption}. */
export function parseNumberOption(flag: string, text: string, range: { min?: number; max?: number } = {}): number {
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value)) throw new InvalidInputError(`${flag}: '${text}' is not a number`, flag, 'a number', text)
  checkRange(flag, value, range)
  return value
}

function checkRange(flag: string, value: number, range: { min?: number; max?: number }): void {
  if (range.min !== undefined && value < range.min) throw new InvalidInputError(`${flag}: ${value} is below ${range.min}`, flag, `>= ${range.min}`, value)
  if (range.max !== undefined && value > range.max) throw new InvalidInputError(`${flag}: ${value} is above ${range.max}`, flag, `<= ${range.max}`, value)
}
