import type { EndpointCheck, EndpointRecord, EndpointSpec, EndpointSpecInput } from '@shared/api/schemas/endpoints'
import { endpointModelPrefix, endpointSpecSchema } from '@shared/api/schemas/endpoints'
import type { EventBus } from './EventBus'
import type { EndpointRepository, EndpointRow } from './ports/EndpointRepository'

/** Where the default model reference is kept (TreeSearchService's `defaultModelSettingKey`). */
export interface DefaultModelSetting {
  get(): string | undefined
  set(reference: string): void
  clear(): void
}

/**
 * OpenAI-compatible servers as models: registering one (`malt models add-endpoint`, the Setup page), checking it,
 * making it the default model, removing it. Runs, evaluations and the playground then take `endpoint:NAME` wherever a
 * GGUF path goes; the agent host resolves the name through {@link lookup}.
 */
export class EndpointService {
  constructor(
    private readonly endpoints: EndpointRepository,
    private readonly defaultModel: DefaultModelSetting,
    /** Asks the server (see adapters/endpoint/checkEndpoint). */
    private readonly checker: (spec: EndpointSpec, signal?: AbortSignal) => Promise<EndpointCheck>,
    private readonly events: EventBus
  ) {}

  list(): EndpointRecord[] {
    return this.endpoints.list().map(toRecord)
  }

  /** The settings of `endpoint:NAME` (`not_found` naming the registered ones otherwise). */
  lookup(name: string): EndpointSpec {
    return this.endpoints.get(name).spec
  }

  add(input: EndpointSpecInput): EndpointRecord {
    const record = toRecord(this.endpoints.upsert(endpointSpecSchema.parse(input)))
    this.events.changed('models')
    return record
  }

  check(name: string, signal?: AbortSignal): Promise<EndpointCheck> {
    return this.checker(this.lookup(name), signal)
  }

  use(name: string): EndpointRecord {
    const record = toRecord(this.endpoints.get(name))
    this.defaultModel.set(record.modelReference)
    this.events.changed('models')
    return record
  }

  remove(name: string): boolean {
    const removed = this.endpoints.remove(name)
    if (this.defaultModel.get() === `${endpointModelPrefix}${name}`) this.defaultModel.clear()
    this.events.changed('models')
    return removed
  }
}

function toRecord(row: EndpointRow): EndpointRecord {
  return { id: row.id, spec: row.spec, modelReference: `${endpointModelPrefix}${row.spec.name}`, addedAt: row.addedAt }
}
