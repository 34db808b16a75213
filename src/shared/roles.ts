/**
 * The three MALT role agents (paper §4.1), in pipeline order: the generator answers, the verifier critiques the
 * answer, the refiner writes a corrected one. Every list, schema and per-role record of the workbench derives from this.
 */
export const roles = ['generator', 'verifier', 'refiner'] as const
export type Role = (typeof roles)[number]

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value)
}

/** A record with one value per role, made in role order. */
export function perRole<T>(make: (role: Role) => T): Record<Role, T> {
  return { generator: make('generator'), verifier: make('verifier'), refiner: make('refiner') }
}
