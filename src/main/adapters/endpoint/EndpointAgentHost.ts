import type { EndpointSpec } from '@shared/api/schemas/endpoints'
import { endpointNameOf } from '@shared/api/schemas/endpoints'
import { AppError } from '@shared/errors'
import { roles, type Role } from '@shared/roles'
import type { LanguageModelPort } from '../../domain/agents/types'
import type { AgentHost, AgentSetup } from '../../services/ports/AgentHost'
import { EndpointAgents } from './EndpointAgents'
import { OpenAiEndpointClient } from './OpenAiEndpointClient'

export interface EndpointAgentHostOptions {
  /** The endpoint registered under a name; throws `not_found` for an unknown one. Read on every `agents` call. */
  lookup: (name: string) => EndpointSpec
  /** Where API key variables are read. Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv
}

interface ClientEntry {
  /** The spec the client was made from: an edited endpoint gets a new client. */
  key: string
  client: OpenAiEndpointClient
}

/**
 * The AgentHost for models named `endpoint:NAME`: role agents on a registered OpenAI-compatible server. One client per
 * endpoint, so the in-flight cap holds across every run, evaluation and playground request of this process.
 *
 * A role given a trained adapter runs on the endpoint's adapter for that role (`roleAdapters`): the server, not the
 * workbench, holds the weights, so which adapter file the job names does not matter here. An endpoint therefore
 * serves one adapter set; evaluations refuse to mix two sets for a role on one endpoint (see EvaluationService).
 */
export class EndpointAgentHost implements AgentHost {
  private readonly clients = new Map<string, ClientEntry>()

  constructor(private readonly options: EndpointAgentHostOptions) {}

  /** The client of a registered endpoint, for the Setup page's check and the bench. */
  client(name: string): OpenAiEndpointClient {
    return this.entry(name).client
  }

  async agents(setup: AgentSetup, signal?: AbortSignal): Promise<LanguageModelPort> {
    const name = endpointNameOf(setup.modelPath)
    if (name === null) throw new AppError('invalid_input', `'${setup.modelPath}' does not name an endpoint (endpoint:NAME)`, { field: 'modelPath' })
    if (signal?.aborted) throw new AppError('cancelled', `connecting to endpoint '${name}' was cancelled`)
    const adapterRoles = new Set<Role>(roles.filter((role) => Boolean(setup.adapters?.[role])))
    return new EndpointAgents({ client: this.entry(name).client, adapterRoles })
  }

  async dispose(): Promise<void> {
    const entries = [...this.clients.values()]
    this.clients.clear()
    await Promise.all(entries.map((entry) => entry.client.close()))
  }

  private entry(name: string): ClientEntry {
    const spec = this.options.lookup(name)
    const key = JSON.stringify(spec)
    let entry = this.clients.get(name)
    if (!entry || entry.key !== key) {
      // A replaced client is not closed: a job may still queue requests on it, and they finish on the old settings;
      // its idle connections time out on their own.
      entry = { key, client: new OpenAiEndpointClient({ spec, ...(this.options.env ? { env: this.options.env } : {}) }) }
      this.clients.set(name, entry)
    }
    return entry
  }
}
