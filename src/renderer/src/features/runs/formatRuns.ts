import type { TreeNodeView } from '@shared/api/schemas/runs'

export type Role = TreeNodeView['role']
export const roleOrder: readonly Role[] = ['generator', 'verifier', 'refiner']

export const roleLetters: Record<Role, string> = { generator: 'G', verifier: 'V', refiner: 'R' }
export const roleNames: Record<Role, string> = { generator: 'Generator', verifier: 'Verifier', refiner: 'Refiner' }

/** `0.456` → `45.6%`; null → `—`. */
export function formatPercent(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : `${(value * 100).toFixed(digits)}%`
}

/** A node value as the paper writes it: 0, 1, or two decimals. */
export function formatValue(value: number | null): string {
  if (value === null) return '—'
  return Number.isInteger(value) ? String(value) : value.toFixed(2)
}

export function formatRate(value: number | null, unit: string): string {
  return value === null ? '—' : `${value < 10 ? value.toFixed(2) : value.toFixed(0)} ${unit}`
}

/** A node's place in its tree, 1-based like the paper's g_{i,j}, v_{i,j,k}, r_{i,j,k,l}: `G2`, `V2.1`, `R2.1.3`. */
export function nodeName(role: Role, path: string): string {
  return roleLetters[role] + path.split('.').map((branch) => Number(branch) + 1).join('.')
}

/** The gold answer short enough for a cell: GSM8K's `#### n` line, else the text itself. */
export function shortGold(gold: string): string {
  const marker = gold.lastIndexOf('####')
  return (marker >= 0 ? gold.slice(marker + 4) : gold).trim()
}
