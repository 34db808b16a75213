import type { EndpointCheck } from '@shared/api/schemas/endpoints'
import { roles } from '@shared/roles'
import { EndpointUnavailableError } from './EndpointUnavailableError'
import type { OpenAiEndpointClient } from './OpenAiEndpointClient'

/**
 * Asks an endpoint what it serves and sends it one short request, for the Setup page and `malt models check-endpoint`:
 * the served models (and llama-server's adapters), whether the base model and every role adapter the endpoint names
 * are there, and one completion from the base model. Problems are collected, not thrown, so one look shows them all.
 */
export async function checkEndpoint(client: OpenAiEndpointClient, signal?: AbortSignal): Promise<EndpointCheck> {
  try {
    return await check(client, signal)
  } finally {
    await client.close()
  }
}

async function check(client: OpenAiEndpointClient, signal?: AbortSignal): Promise<EndpointCheck> {
  const { spec } = client
  const problems: string[] = []
  const note = (error: unknown) => problems.push(error instanceof Error ? error.message : String(error))

  let servedModels: string[] = []
  try {
    servedModels = await client.listModels(signal)
  } catch (error) {
    // A server that cannot be reached fails every other question the same way: say it once.
    if (error instanceof EndpointUnavailableError) {
      return { name: spec.name, baseUrl: spec.baseUrl, servedModels, llamaServerAdapters: null, problems: [`cannot reach ${spec.baseUrl}: ${error.reason}`], sample: null }
    }
    note(error)
  }
  let llamaServerAdapters: EndpointCheck['llamaServerAdapters'] = null
  if (spec.loraStyle === 'llama-server') {
    try {
      llamaServerAdapters = await client.listLlamaServerAdapters(signal)
      if (llamaServerAdapters === null) problems.push(`the server has no /lora-adapters route, so it is not llama-server; use --lora-style served-name`)
    } catch (error) {
      note(error)
    }
  }

  const listed = servedModels.length > 0
  if (listed && spec.loraStyle === 'served-name' && !servedModels.includes(spec.servedModel)) {
    problems.push(`the server does not list the base model '${spec.servedModel}' (it serves: ${servedModels.join(', ')})`)
  }
  for (const role of roles) {
    const adapter = spec.roleAdapters[role]
    if (adapter === undefined) continue
    if (spec.loraStyle === 'served-name' && listed && !servedModels.includes(adapter)) {
      problems.push(`the ${role}'s adapter '${adapter}' is not among the served models (${servedModels.join(', ')}); start vLLM with --lora-modules ${adapter}=PATH`)
    }
    if (spec.loraStyle === 'llama-server' && llamaServerAdapters && !llamaServerAdapters.some((each) => each.id === Number(adapter))) {
      problems.push(
        `the ${role}'s adapter id ${adapter} is not loaded (the server has ${llamaServerAdapters.length === 0 ? 'none' : `ids ${llamaServerAdapters.map((each) => each.id).join(', ')}`}); start llama-server with one --lora FILE per adapter and --lora-init-without-apply`
      )
    }
  }
  // No check of the adapters' default scales: llama-server reports 1 even with --lora-init-without-apply, and every
  // request of ours lists its adapters explicitly (the base model as adapter 0 at scale 0).

  let sample: EndpointCheck['sample'] = null
  try {
    const started = performance.now()
    const reply = await client.complete({
      model: spec.servedModel,
      messages: [{ role: 'user', content: 'What is 2 + 3? Answer with a number.' }],
      temperature: 0,
      topP: 1,
      maxTokens: 8,
      seed: 0,
      ...(spec.loraStyle === 'llama-server' ? { lora: [{ id: 0, scale: 0 }] } : {}),
      ...(signal ? { signal } : {})
    })
    sample = { text: reply.choices[0]!.text, promptTokens: reply.promptTokens, completionTokens: reply.completionTokens, milliseconds: Math.round(performance.now() - started) }
  } catch (error) {
    note(error)
  }
  return { name: spec.name, baseUrl: spec.baseUrl, servedModels, llamaServerAdapters, problems, sample }
}
