import type { z } from 'zod'

/**
 * One method of the workbench API: its input schema (validated on the service side of every transport),
 * its output schema (checked by the contract tests) and a sentence for `--help`-style listings.
 */
export interface Procedure<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I
  readonly output: O
  readonly description: string
}

export function procedure<I extends z.ZodType, O extends z.ZodType>(spec: {
  input: I
  output: O
  description: string
}): Procedure<I, O> {
  return spec
}

/** A namespace of procedures, e.g. `datasets`. */
export type ProcedureGroup = Readonly<Record<string, Procedure>>
export type ApiSpec = Readonly<Record<string, ProcedureGroup>>

type ClientMethod<P> =
  P extends Procedure<infer I, infer O>
    ? undefined extends z.input<I>
      ? (input?: z.input<I>) => Promise<z.output<O>>
      : (input: z.input<I>) => Promise<z.output<O>>
    : never

type HandlerMethod<P> =
  P extends Procedure<infer I, infer O> ? (input: z.output<I>) => Promise<z.input<O>> | z.input<O> : never

/** What a caller sees: `api.datasets.list()` returns a promise of the output type. */
export type ClientOf<S extends ApiSpec> = { [G in keyof S]: { [M in keyof S[G]]: ClientMethod<S[G][M]> } }

/** What a service side implements: it receives validated input. */
export type HandlersOf<S extends ApiSpec> = { [G in keyof S]: { [M in keyof S[G]]: HandlerMethod<S[G][M]> } }

/** `datasets.list` style ids: the only names that travel over IPC, HTTP and WebSocket. */
export type MethodId<S extends ApiSpec> = {
  [G in keyof S & string]: { [M in keyof S[G] & string]: `${G}.${M}` }[keyof S[G] & string]
}[keyof S & string]

export function listMethodIds<S extends ApiSpec>(spec: S): MethodId<S>[] {
  const ids: string[] = []
  for (const [group, procedures] of Object.entries(spec)) {
    for (const method of Object.keys(procedures)) ids.push(`${group}.${method}`)
  }
  return ids as MethodId<S>[]
}

export function getProcedure<S extends ApiSpec>(spec: S, id: string): Procedure | undefined {
  const dot = id.indexOf('.')
  if (dot < 0) return undefined
  const group = spec[id.slice(0, dot)]
  return group && Object.hasOwn(group, id.slice(dot + 1)) ? group[id.slice(dot + 1)] : undefined
}

/**
 * Builds a client object of the same shape as the spec, where every method forwards to `call`.
 * The preload (IPC) and the browser (HTTP) clients are both made this way, so neither is typed by hand.
 */
export function createClient<S extends ApiSpec>(
  spec: S,
  call: (id: MethodId<S>, input: unknown) => Promise<unknown>
): ClientOf<S> {
  const client: Record<string, Record<string, (input?: unknown) => Promise<unknown>>> = {}
  for (const [group, procedures] of Object.entries(spec)) {
    const methods: Record<string, (input?: unknown) => Promise<unknown>> = {}
    for (const method of Object.keys(procedures)) {
      const id = `${group}.${method}` as MethodId<S>
      methods[method] = (input?: unknown) => call(id, input)
    }
    client[group] = methods
  }
  return client as ClientOf<S>
}
