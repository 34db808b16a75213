import { z } from 'zod'
import { procedure } from '../procedure'
import { nothing, roleSchema } from './common'

/**
 * How an OpenAI-compatible server gives each role its LoRA adapter:
 * - `served-name`: the adapter is a model of its own, named in the request's `model` (vLLM's
 *   `--lora-modules NAME=PATH`, SGLang's `base:adapter`);
 * - `llama-server`: one model, and the request's `lora` field (`[{"id": N, "scale": 1}]`) turns on adapter N of those
 *   llama-server loaded with `--lora FILE --lora-init-without-apply`.
 */
export const loraStyles = ['served-name', 'llama-server'] as const
export const loraStyleSchema = z.enum(loraStyles)
export type LoraStyle = z.infer<typeof loraStyleSchema>

/** The prefix that makes a model reference name an endpoint (`endpoint:NAME`) rather than a GGUF path. */
export const endpointModelPrefix = 'endpoint:'

export const endpointNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'an endpoint name is 1–64 letters, digits, dots, dashes or underscores, starting with a letter or digit')

export const endpointBaseUrlSchema = z
  .string()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value)
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '' && url.search === '' && url.hash === ''
    } catch {
      return false
    }
  }, 'the base URL must be an http(s) URL without credentials, query or fragment, such as http://127.0.0.1:8000/v1')
  .transform((value) => value.replace(/\/+$/, ''))

/** Each role's adapter on the server: a served model name (`served-name`) or an adapter id (`llama-server`). */
export const roleAdaptersSchema = z
  .object({
    generator: z.string().min(1).max(256).optional(),
    verifier: z.string().min(1).max(256).optional(),
    refiner: z.string().min(1).max(256).optional()
  })
  .strict()

/** An OpenAI-compatible inference server the role agents can run on instead of the embedded llama.cpp. */
export const endpointSpecSchema = z
  .object({
    name: endpointNameSchema,
    /** What the OpenAI API paths hang from, usually ending in `/v1`. */
    baseUrl: endpointBaseUrlSchema,
    /** The base model's name on the server (vLLM's `--served-model-name`, or what `/v1/models` lists). */
    servedModel: z.string().min(1).max(256),
    /** The environment variable holding the API key; the key itself is never stored. null: no key. */
    apiKeyEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'an environment variable name is letters, digits and underscores')
      .nullable()
      .default(null),
    loraStyle: loraStyleSchema.default('served-name'),
    roleAdapters: roleAdaptersSchema.default({}),
    /** Requests this workbench keeps in flight to the server at once; more wait their turn here. */
    maxInFlight: z.number().int().min(1).max(4096).default(64),
    /** One attempt's limit, retried like a dropped connection. */
    timeoutSeconds: z.number().int().min(1).max(86_400).default(600),
    /** Retries (with backoff) after a 408, 409, 429 or 5xx answer, a dropped connection or a timeout. */
    maxRetries: z.number().int().min(0).max(20).default(4)
  })
  .superRefine((spec, context) => {
    if (spec.loraStyle !== 'llama-server') return
    for (const role of roleSchema.options) {
      const id = spec.roleAdapters[role]
      if (id !== undefined && !/^\d{1,6}$/.test(id)) {
        context.addIssue({
          code: 'custom',
          path: ['roleAdapters', role],
          message: `llama-server adapters are numbered from 0 in the order of --lora; '${id}' is not such a number`
        })
      }
    }
  })
export type EndpointSpec = z.infer<typeof endpointSpecSchema>
export type EndpointSpecInput = z.input<typeof endpointSpecSchema>

/** `endpoint:NAME` → NAME; anything else (a GGUF path) → null. */
export function endpointNameOf(modelReference: string): string | null {
  return modelReference.startsWith(endpointModelPrefix) ? modelReference.slice(endpointModelPrefix.length) : null
}

/** A registered endpoint as the API shows it (the spec holds the key's variable name, never a key). */
export const endpointRecordSchema = z.object({
  id: z.number().int().positive(),
  spec: endpointSpecSchema,
  /** `endpoint:NAME`: what `--model` and the model pickers take. */
  modelReference: z.string(),
  addedAt: z.string()
})
export type EndpointRecord = z.infer<typeof endpointRecordSchema>

/** What checking an endpoint found: what it serves, whether the names this workbench will send exist, one reply. */
export const endpointCheckSchema = z.object({
  name: z.string(),
  baseUrl: z.string(),
  /** `GET /models`. */
  servedModels: z.array(z.string()),
  /** llama-server's `GET /lora-adapters`; null on servers without it. */
  llamaServerAdapters: z.array(z.object({ id: z.number().int(), path: z.string(), scale: z.number() })).nullable(),
  /** Each thing that will not work, in words; empty when all is well. */
  problems: z.array(z.string()),
  /** One short completion from the base model; null when the request failed (its error is in `problems`). */
  sample: z
    .object({ text: z.string(), promptTokens: z.number().int(), completionTokens: z.number().int(), milliseconds: z.number() })
    .nullable()
})
export type EndpointCheck = z.infer<typeof endpointCheckSchema>

export const endpointsApi = {
  list: procedure({ input: nothing, output: z.array(endpointRecordSchema), description: 'Registered OpenAI-compatible servers (models named endpoint:NAME).' }),
  add: procedure({
    input: endpointSpecSchema,
    output: endpointRecordSchema,
    description: 'Registers an OpenAI-compatible server (vLLM, SGLang, llama-server), or replaces the settings of the one with that name.'
  }),
  check: procedure({
    input: z.object({ name: endpointNameSchema }),
    output: endpointCheckSchema,
    description: 'Lists what the server serves (models, llama-server adapters), checks the names this endpoint uses, and sends one request.'
  }),
  use: procedure({
    input: z.object({ name: endpointNameSchema }),
    output: endpointRecordSchema,
    description: 'Makes endpoint:NAME the model new runs, evaluations and the playground use by default.'
  }),
  remove: procedure({ input: z.object({ name: endpointNameSchema }), output: z.object({ removed: z.boolean() }), description: 'Forgets an endpoint (the server is untouched).' })
} as const
