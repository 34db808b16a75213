import type { Command } from 'commander'
import { endpointSpecSchema, type EndpointCheck, type EndpointRecord } from '@shared/api/schemas/endpoints'
import { AppError } from '@shared/errors'
import { roles, type Role } from '@shared/roles'
import type { CliIo } from '../CliIo'
import { dbOptionDescription, dbOptionFlags, withWorkbench } from '../openWorkbench'

interface AddEndpointOptions {
  db?: string
  name: string
  baseUrl: string
  servedModel: string
  apiKeyEnv?: string
  loraStyle?: string
  roleAdapter: string[]
  maxInFlight?: string
  timeout?: string
  maxRetries?: string
  use?: boolean
}

/** Each spec field's flag, so a refusal names what the user typed. */
const flagOfField: Record<string, string> = {
  name: '--name',
  baseUrl: '--base-url',
  servedModel: '--served-model',
  apiKeyEnv: '--api-key-env',
  loraStyle: '--lora-style',
  roleAdapters: '--role-adapter',
  maxInFlight: '--max-in-flight',
  timeoutSeconds: '--timeout',
  maxRetries: '--max-retries'
}

export function registerModelsCommand(program: Command, io: CliIo): void {
  const models = program.command('models').description('models the agents can run on: OpenAI-compatible inference endpoints (vLLM, SGLang, llama-server)')

  models
    .command('add-endpoint')
    .description('register an OpenAI-compatible server; then pass --model endpoint:NAME wherever a GGUF path is accepted')
    .option(dbOptionFlags, dbOptionDescription)
    .requiredOption('--name <name>', 'what --model endpoint:NAME calls it')
    .requiredOption('--base-url <url>', 'the OpenAI API root, e.g. http://127.0.0.1:8000/v1')
    .requiredOption('--served-model <name>', 'the base model’s name on the server (as GET /v1/models lists it)')
    .option('--api-key-env <var>', 'environment variable holding the API key (the key itself is never stored or printed)')
    .option('--lora-style <style>', 'how a role’s adapter is chosen: served-name (vLLM --lora-modules, SGLang base:adapter) or llama-server (its lora field); default served-name')
    .option(
      '--role-adapter <role=name|id>',
      'a role’s adapter on the server: its served name, or with --lora-style llama-server its id (0, 1, … in --lora order); repeat per role',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[]
    )
    .option('--max-in-flight <n>', 'requests kept open at once (default 64)')
    .option('--timeout <seconds>', 'one attempt’s limit (default 600)')
    .option('--max-retries <n>', 'retries with backoff on 429, 5xx, dropped connections and timeouts (default 4)')
    .option('--use', 'also make it the default model of new runs, evaluations and the playground')
    .addHelpText(
      'after',
      '\nPrints the endpoint as one line; the last field is the model reference. Example:\n' +
        '  malt models add-endpoint --db w.sqlite --name vllm --base-url http://gpu-box:8000/v1 --served-model qwen2.5-1.5b \\\n' +
        '    --api-key-env VLLM_API_KEY --role-adapter generator=malt-g --role-adapter verifier=malt-v --role-adapter refiner=malt-r'
    )
    .action(async (options: AddEndpointOptions) => {
      const input = {
        name: options.name,
        baseUrl: options.baseUrl,
        servedModel: options.servedModel,
        apiKeyEnv: options.apiKeyEnv ?? null,
        ...(options.loraStyle !== undefined ? { loraStyle: options.loraStyle } : {}),
        roleAdapters: parseRoleAdapters(options.roleAdapter),
        ...(options.maxInFlight !== undefined ? { maxInFlight: numberOf(options.maxInFlight) } : {}),
        ...(options.timeout !== undefined ? { timeoutSeconds: numberOf(options.timeout) } : {}),
        ...(options.maxRetries !== undefined ? { maxRetries: numberOf(options.maxRetries) } : {})
      }
      // The schema holds every default and range; its first complaint is reported under the flag that caused it
      // (dispatchCall checks the same schema again).
      const parsed = endpointSpecSchema.safeParse(input)
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!
        const flag = flagOfField[String(issue.path[0])] ?? String(issue.path.join('.'))
        const role = issue.path[0] === 'roleAdapters' && issue.path[1] ? `the ${String(issue.path[1])}'s adapter: ` : ''
        throw new AppError('invalid_input', `${flag}: ${role}${issue.message}`, { field: flag })
      }
      await withWorkbench(options, async (workbench) => {
        const record = await workbench.api.endpoints.add(parsed.data)
        if (options.use) await workbench.api.endpoints.use({ name: record.spec.name })
        io.out(describeEndpoint(record))
        if (options.use) io.err(`${record.modelReference} is now the default model`)
      })
    })

  models
    .command('endpoints')
    .description('list registered endpoints: name, base URL, served model, LoRA style, role adapters, model reference')
    .option(dbOptionFlags, dbOptionDescription)
    .action(async (options: { db?: string }) => {
      await withWorkbench(options, async (workbench) => {
        const endpoints = await workbench.api.endpoints.list()
        if (endpoints.length === 0) io.err('no endpoints yet (malt models add-endpoint --help)')
        for (const endpoint of endpoints) io.out(describeEndpoint(endpoint))
      })
    })

  models
    .command('check-endpoint')
    .description('ask an endpoint what it serves, check the names this workbench will send, and send one short request')
    .option(dbOptionFlags, dbOptionDescription)
    .requiredOption('--name <name>', 'the endpoint')
    .addHelpText('after', '\nPrints what the server serves and one reply; exits 1 naming every problem found.')
    .action(async (options: { db?: string; name: string }) => {
      await withWorkbench(options, async (workbench) => {
        const check = await workbench.api.endpoints.check({ name: options.name })
        for (const line of describeCheck(check)) io.out(line)
        if (check.problems.length > 0) {
          throw new AppError('unavailable', `endpoint '${check.name}' is not ready: ${check.problems.join('; ')}`)
        }
      })
    })

  models
    .command('remove-endpoint')
    .description('forget an endpoint (the server is untouched)')
    .option(dbOptionFlags, dbOptionDescription)
    .requiredOption('--name <name>', 'the endpoint')
    .action(async (options: { db?: string; name: string }) => {
      await withWorkbench(options, async (workbench) => {
        if (!(await workbench.api.endpoints.remove({ name: options.name })).removed) throw new AppError('not_found', `no endpoint named '${options.name}'`, { field: '--name' })
        io.err(`removed endpoint ${options.name}`)
      })
    })
}

function parseRoleAdapters(values: readonly string[]): Partial<Record<Role, string>> {
  const adapters: Partial<Record<Role, string>> = {}
  for (const value of values) {
    const match = /^([a-z]+)=(.+)$/.exec(value.trim())
    if (!match || !(roles as readonly string[]).includes(match[1]!)) {
      throw new AppError('invalid_input', `--role-adapter: '${value}' is not ROLE=NAME_OR_ID with ROLE one of ${roles.join(', ')}`, { field: '--role-adapter' })
    }
    const role = match[1] as Role
    if (adapters[role] !== undefined) throw new AppError('invalid_input', `--role-adapter: the ${role} is given twice`, { field: '--role-adapter' })
    adapters[role] = match[2]!
  }
  return adapters
}

/** Leaves non-numbers as text, for the schema to refuse with its own words. */
function numberOf(text: string): number | string {
  return /^\s*-?\d+(\.\d+)?\s*$/.test(text) ? Number(text) : text
}

function describeEndpoint(record: EndpointRecord): string {
  const { spec } = record
  const adapters = roles.map((role) => `${role[0]!.toUpperCase()}=${spec.roleAdapters[role] ?? 'base'}`).join(' ')
  return [spec.name, spec.baseUrl, spec.servedModel, spec.loraStyle, adapters, spec.apiKeyEnv ? `key from $${spec.apiKeyEnv}` : 'no key', record.modelReference].join('\t')
}

function describeCheck(check: EndpointCheck): string[] {
  const lines = [`endpoint ${check.name} (${check.baseUrl})`, `served models: ${check.servedModels.length > 0 ? check.servedModels.join(', ') : 'none listed'}`]
  if (check.llamaServerAdapters) {
    lines.push(
      `llama-server adapters: ${check.llamaServerAdapters.length === 0 ? 'none' : check.llamaServerAdapters.map((adapter) => `${adapter.id}=${adapter.path} (scale ${adapter.scale})`).join(', ')}`
    )
  }
  if (check.sample) {
    lines.push(
      `one request: ${JSON.stringify(check.sample.text)} (${check.sample.promptTokens} prompt + ${check.sample.completionTokens} generated tokens, ${check.sample.milliseconds} ms)`
    )
  }
  return lines
}
