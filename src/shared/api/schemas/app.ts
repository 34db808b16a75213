import { z } from 'zod'
import { procedure } from '../procedure'
import { nothing } from './common'

export const transportSchema = z.enum(['ipc', 'serve', 'cli'])

export const appInfoSchema = z.object({
  version: z.string(),
  transport: transportSchema,
  databasePath: z.string(),
  schemaVersion: z.number().int(),
  dataFolder: z.string().nullable(),
  platform: z.string(),
  nodeVersion: z.string(),
  cpuCount: z.number().int()
})
export type AppInfo = z.infer<typeof appInfoSchema>

export const appApi = {
  info: procedure({
    input: nothing,
    output: appInfoSchema,
    description: 'Version, database and environment of the workbench this client talks to.'
  })
} as const
