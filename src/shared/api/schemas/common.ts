import { z } from 'zod'

export const idSchema = z.number().int().positive()
export const isoDateSchema = z.string()
export const nothing = z.undefined()

export const benchmarkSchema = z.enum(['gsm8k', 'math', 'csqa'])
export const roleSchema = z.enum(['generator', 'verifier', 'refiner'])

export const pageSchema = z.object({
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(1000).default(100)
})

export type Benchmark = z.infer<typeof benchmarkSchema>
export type RoleName = z.infer<typeof roleSchema>
