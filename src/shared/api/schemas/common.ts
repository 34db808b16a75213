import { z } from 'zod'
import { benchmarks } from '../../benchmarks'
import { type Role, roles } from '../../roles'

export const idSchema = z.number().int().positive()
export const isoDateSchema = z.string()
export const nothing = z.undefined()

export const benchmarkSchema = z.enum(benchmarks)
export const roleSchema = z.enum(roles)

export const pageSchema = z.object({
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(1000).default(100)
})

/** One value of the same schema per role: `{ generator, verifier, refiner }`. */
export function perRoleSchema<T extends z.ZodType>(schema: T) {
  return z.object({ generator: schema, verifier: schema, refiner: schema } satisfies Record<Role, T>)
}

export type { Benchmark } from '../../benchmarks'
