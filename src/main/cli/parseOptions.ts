import { AppError } from '@shared/errors'

export function parseIntegerOption(flag: string, text: string, range: { min?: number; max?: number } = {}): number {
  const value = Number(text)
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(value)) throw new AppError('invalid_input', `${flag}: '${text}' is not an integer`, { field: flag })
  checkRange(flag, value, range)
  return value
}

export function parseNumberOption(flag: string, text: string, range: { min?: number; max?: number } = {}): number {
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value)) throw new AppError('invalid_input', `${flag}: '${text}' is not a number`, { field: flag })
  checkRange(flag, value, range)
  return value
}

function checkRange(flag: string, value: number, range: { min?: number; max?: number }): void {
  if (range.min !== undefined && value < range.min) throw new AppError('invalid_input', `${flag}: ${value} is below ${range.min}`, { field: flag })
  if (range.max !== undefined && value > range.max) throw new AppError('invalid_input', `${flag}: ${value} is above ${range.max}`, { field: flag })
}
