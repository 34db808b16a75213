import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SqliteEndpointRepository } from '../../../../src/main/adapters/db/SqliteEndpointRepository'
import { WorkbenchDatabase } from '../../../../src/main/adapters/db/WorkbenchDatabase'
import { endpointNameOf, endpointSpecSchema } from '../../../../src/shared/api/schemas/endpoints'
import { AppError } from '../../../../src/shared/errors'

const vllm = endpointSpecSchema.parse({
  name: 'vllm-qwen',
  baseUrl: 'http://10.0.0.5:8000/v1/',
  servedModel: 'Qwen/Qwen2.5-1.5B-Instruct',
  apiKeyEnv: 'VLLM_API_KEY',
  roleAdapters: { generator: 'malt-g', verifier: 'malt-v', refiner: 'malt-r' }
})

describe('endpoint spec', () => {
  it('fills the defaults and trims the base URL', () => {
    expect(vllm).toMatchObject({ baseUrl: 'http://10.0.0.5:8000/v1', loraStyle: 'served-name', maxInFlight: 64, timeoutSeconds: 600, maxRetries: 4 })
  })

  it('refuses what would not work, naming the field', () => {
    const issue = (input: Record<string, unknown>) => {
      const result = endpointSpecSchema.safeParse({ name: 'x', baseUrl: 'http://h:1/v1', servedModel: 'm', ...input })
      return result.success ? null : { path: result.error.issues[0]!.path.join('.'), message: result.error.issues[0]!.message }
    }
    expect(issue({ baseUrl: 'http://user:secret@h:1/v1' })).toMatchObject({ path: 'baseUrl', message: expect.stringContaining('without credentials') })
    expect(issue({ baseUrl: 'file:///etc/passwd' })).toMatchObject({ path: 'baseUrl' })
    expect(issue({ name: '../x' })).toMatchObject({ path: 'name' })
    expect(issue({ apiKeyEnv: 'sk-live-123' })).toMatchObject({ path: 'apiKeyEnv' })
    expect(issue({ loraStyle: 'llama-server', roleAdapters: { verifier: 'malt-v' } })).toMatchObject({
      path: 'roleAdapters.verifier',
      message: expect.stringContaining("'malt-v' is not such a number")
    })
    expect(issue({ roleAdapters: { critic: 'c' } })).toMatchObject({ path: 'roleAdapters' })
    expect(issue({ loraStyle: 'llama-server', roleAdapters: { verifier: '1' } })).toBeNull()
  })

  it('tells an endpoint reference from a GGUF path', () => {
    expect(endpointNameOf('endpoint:vllm-qwen')).toBe('vllm-qwen')
    expect(endpointNameOf('/models/endpoint:x.gguf')).toBeNull()
    expect(endpointNameOf('.models/tiny.gguf')).toBeNull()
  })
})

describe('SqliteEndpointRepository', () => {
  let store: WorkbenchDatabase
  let repository: SqliteEndpointRepository

  beforeEach(() => {
    store = WorkbenchDatabase.open(':memory:')
    repository = new SqliteEndpointRepository(store)
  })
  afterEach(() => store.close())

  it('stores, replaces by name, lists and removes endpoints', () => {
    const added = repository.upsert(vllm)
    expect(added.spec).toEqual(vllm)
    const replaced = repository.upsert({ ...vllm, maxInFlight: 8 })
    expect(replaced.id).toBe(added.id)
    expect(repository.get('vllm-qwen').spec.maxInFlight).toBe(8)
    expect(repository.list().map((row) => row.spec.name)).toEqual(['vllm-qwen'])
    expect(repository.remove('vllm-qwen')).toBe(true)
    expect(repository.remove('vllm-qwen')).toBe(false)
    expect(repository.find('vllm-qwen')).toBeUndefined()
  })

  it('names the registered endpoints when asked for an unknown one', () => {
    repository.upsert(vllm)
    const error = (() => {
      try {
        repository.get('sglang')
      } catch (caught) {
        return caught as AppError
      }
    })()
    expect(error).toBeInstanceOf(AppError)
    expect(error!.code).toBe('not_found')
    expect(error!.message).toContain("no endpoint named 'sglang' (registered: vllm-qwen)")
  })

  it('keeps only the name of the API key variable', () => {
    repository.upsert(vllm)
    const raw = store.db.prepare('SELECT spec_json FROM endpoints').get() as { spec_json: string }
    expect(JSON.parse(raw.spec_json)).toMatchObject({ apiKeyEnv: 'VLLM_API_KEY' })
    expect(raw.spec_json).not.toMatch(/apiKey"\s*:/)
  })

  it('reports a stored row that is no longer valid by its field instead of using it', () => {
    repository.upsert(vllm)
    store.db.prepare('UPDATE endpoints SET spec_json = ?').run(JSON.stringify({ ...vllm, maxInFlight: 0 }))
    expect(() => repository.get('vllm-qwen')).toThrow(/endpoint 'vllm-qwen' in .*: field 'maxInFlight'/)
  })
})
