import type { EndpointSpec } from '@shared/api/schemas/endpoints'

export interface EndpointRow {
  id: number
  spec: EndpointSpec
  addedAt: string
}

/** OpenAI-compatible servers registered as models (`endpoint:NAME`). Only the API key's variable name is kept. */
export interface EndpointRepository {
  list(): EndpointRow[]
  /** `not_found` naming the endpoint when there is none. */
  get(name: string): EndpointRow
  find(name: string): EndpointRow | undefined
  /** Registers an endpoint, or replaces the settings of the one with its name. */
  upsert(spec: EndpointSpec): EndpointRow
  remove(name: string): boolean
}
