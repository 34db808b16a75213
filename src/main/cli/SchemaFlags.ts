import type { Command } from 'commander'
import { Option } from 'commander'
import { InvalidInputError } from '@shared/errors/InvalidInputError'
import type { z } from 'zod'
import { parseIntegerOption, parseNumberOption } from './parseOptions'

/** One flag that fills one field of an API method's input. */
export interface SchemaFlagSpec {
  /** Dotted path of the field in the method's input, e.g. `sampling.topP`. */
  field: string
  /** What the flag means; the help adds the schema's range and default. */
  description: string
  /** Help for the default when the schema's value would not say it (e.g. `all` for a null limit). */
  defaultHelp?: string
  /** Options this one cannot be used with (commander's attribute names). */
  conflicts?: string[]
  /** The command cannot run without it (commander says so, as for any mandatory option). */
  required?: boolean
  /** How the flag's text becomes the field's value, for fields that are not one number or word (`0,1,2,3`, `3x3`). */
  parse?: (text: string, flag: string) => unknown
}

/** What help and parsing need to know of a field's schema. */
export interface FieldFacts {
  kind: 'integer' | 'number' | 'string' | 'boolean' | 'enum' | 'other'
  min?: { value: number; inclusive: boolean }
  max?: { value: number; inclusive: boolean }
  /** The schema's default, when it has one. */
  defaultValue?: unknown
  choices?: string[]
}

/**
 * The flags of a command that fill fields of one API method's input. The contract's schema is the only place for
 * their defaults and ranges: help is written from it, a flag left out leaves its field out (so the schema's default
 * applies), a value is only parsed to the field's type here, and a range error from the contract is reworded as an
 * error of the flag (`--top-p: 0 is not above 0`).
 */
export class SchemaFlags {
  private readonly facts = new Map<string, FieldFacts>()

  /**
   * @param schema the method's input schema
   * @param specs commander flag strings (`--top-p <p>`) and the field each fills
   */
  constructor(
    schema: z.ZodType,
    private readonly specs: Readonly<Record<string, SchemaFlagSpec>>
  ) {
    for (const [flags, spec] of Object.entries(specs)) this.facts.set(flags, fieldFacts(fieldSchema(schema, spec.field)))
  }

  /** Adds the flags to a command, with help from the schema. */
  addTo(command: Command): Command {
    for (const [flags, spec] of Object.entries(this.specs)) {
      const facts = this.facts.get(flags)!
      const option = new Option(flags, `${spec.description}${helpSuffix(facts, spec.defaultHelp)}`)
      if (facts.choices) option.choices(facts.choices)
      if (spec.conflicts) option.conflicts(spec.conflicts)
      if (spec.required) option.makeOptionMandatory()
      command.addOption(option)
    }
    return command
  }

  /**
   * The input fields that the given (commander) options set, each parsed to its field's type and placed at its path.
   * Flags left out are left out, so the schema's defaults apply.
   */
  input(options: Readonly<Record<string, unknown>>): Record<string, unknown> {
    const input: Record<string, unknown> = {}
    for (const [flags, spec] of Object.entries(this.specs)) {
      const raw = options[attributeName(flags)]
      if (raw === undefined) continue
      setPath(input, spec.field, this.parse(flags, raw))
    }
    return input
  }

  /** Runs an API call, rewording a contract error at one of these fields as an error of its flag. */
  async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (error) {
      throw this.reword(error)
    }
  }

  /** The same for work that does not wait (a payload checked against the contract without calling it). */
  callSync<T>(work: () => T): T {
    try {
      return work()
    } catch (error) {
      throw this.reword(error)
    }
  }

  reword(error: unknown): unknown {
    if (!(error instanceof InvalidInputError) || error.field === undefined) return error
    const field = error.field
    const entry = Object.entries(this.specs).find(([, spec]) => field === spec.field || field.startsWith(`${spec.field}.`))
    if (!entry) return error
    const flag = longName(entry[0])
    return new InvalidInputError(`${flag}: ${describeProblem(error.expected, error.actual)}`, flag, error.expected, error.actual)
  }

  private parse(flags: string, raw: unknown): unknown {
    if (typeof raw !== 'string') return raw
    const flag = longName(flags)
    const custom = this.specs[flags]!.parse
    if (custom) return custom(raw, flag)
    switch (this.facts.get(flags)!.kind) {
      case 'integer':
        return parseIntegerOption(flag, raw)
      case 'number':
        return parseNumberOption(flag, raw)
      default:
        return raw
    }
  }
}

/** The schema of a field by dotted path, through defaults, optionals and nullables on the way. */
export function fieldSchema(schema: z.ZodType, path: string): z.ZodType {
  let current = schema
  for (const key of path.split('.')) {
    const object = unwrap(current).inner
    const shape = (object as unknown as { shape?: Record<string, z.ZodType> }).shape
    if (!shape || !(key in shape)) throw new Error(`the schema has no field '${path}'`)
    current = shape[key]!
  }
  return current
}

export function fieldFacts(schema: z.ZodType): FieldFacts {
  const { inner, defaultValue } = unwrap(schema)
  const def = (inner as unknown as ZodInternals)._zod.def
  const facts: FieldFacts = { kind: 'other', ...(defaultValue !== undefined ? { defaultValue } : {}) }
  if (def.type === 'number') {
    facts.kind = 'number'
    for (const check of def.checks ?? []) {
      const c = check._zod.def
      if (c.check === 'number_format' && (c.format === 'safeint' || c.format === 'int32')) facts.kind = 'integer'
      if (c.check === 'greater_than') facts.min = { value: Number(c.value), inclusive: Boolean(c.inclusive) }
      if (c.check === 'less_than') facts.max = { value: Number(c.value), inclusive: Boolean(c.inclusive) }
    }
  } else if (def.type === 'string') facts.kind = 'string'
  else if (def.type === 'boolean') facts.kind = 'boolean'
  else if (def.type === 'enum' && def.entries) {
    facts.kind = 'enum'
    facts.choices = Object.values(def.entries).map(String)
  }
  return facts
}

interface ZodInternals {
  _zod: {
    def: {
      type: string
      innerType?: z.ZodType
      defaultValue?: unknown
      checks?: { _zod: { def: { check: string; format?: string; value?: unknown; inclusive?: boolean } } }[]
      entries?: Record<string, string | number>
    }
  }
}

function unwrap(schema: z.ZodType): { inner: z.ZodType; defaultValue?: unknown } {
  let current = schema
  let defaultValue: unknown
  for (;;) {
    const def = (current as unknown as ZodInternals)._zod.def
    if ((def.type === 'default' || def.type === 'prefault') && defaultValue === undefined) defaultValue = def.defaultValue
    if (!def.innerType || !['default', 'prefault', 'optional', 'nullable', 'readonly'].includes(def.type)) return { inner: current, defaultValue }
    current = def.innerType
  }
}

function helpSuffix(facts: FieldFacts, defaultHelp: string | undefined): string {
  const parts: string[] = []
  const { min, max } = facts
  const kind = facts.kind === 'integer' ? 'integer ' : ''
  if (min && max && min.inclusive && max.inclusive) parts.push(`${kind}${min.value}–${max.value}`)
  else {
    const bounds = [min ? `${min.inclusive ? '≥' : '>'} ${min.value}` : null, max ? `${max.inclusive ? '≤' : '<'} ${max.value}` : null]
    if (bounds.some(Boolean) || kind) parts.push(`${kind}${bounds.filter(Boolean).join(' and ')}`.trim())
  }
  const shown = defaultHelp ?? (facts.defaultValue === undefined || facts.defaultValue === null ? undefined : String(facts.defaultValue))
  if (shown !== undefined) parts.push(`default: ${shown}`)
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`
}

/** "0 is not above 0", "9 is above 8", or what was expected and what came. */
function describeProblem(expected: string, actual: unknown): string {
  const shown = typeof actual === 'string' ? `'${actual}'` : JSON.stringify(actual)
  const bound = /^(>=|>|<=|<) (.+)$/.exec(expected)
  if (bound && typeof actual === 'number') {
    const words = { '>=': 'is below', '>': 'is not above', '<=': 'is above', '<': 'is not below' }[bound[1] as '>=' | '>' | '<=' | '<']
    return `${shown} ${words} ${bound[2]}`
  }
  if (/^(an? |one of )/.test(expected)) return `expected ${expected}, got ${shown ?? 'nothing'}`
  return `${shown ?? 'nothing'} is not valid (${expected})`
}

/** `--top-p <p>` → `--top-p`. */
function longName(flags: string): string {
  return flags.split(/[ ,|]+/).find((part) => part.startsWith('--')) ?? flags
}

/** commander's key for a flag: `--top-p <p>` → `topP`. */
function attributeName(flags: string): string {
  return longName(flags)
    .replace(/^--/, '')
    .replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase())
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.')
  let node = target
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {}
    node = node[key] as Record<string, unknown>
  }
  node[keys.at(-1)!] = value
}
