import { describe, expect, it } from 'vitest'
import { launcherArgs } from '../../../../src/main/adapters/python/PythonRunner'

describe('launcherArgs', () => {
  it('adds nothing for a plain process', () => {
    expect(launcherArgs(undefined)).toEqual([])
  })

  it("spells the runner's accelerate flags", () => {
    expect(launcherArgs({ kind: 'accelerate', numProcesses: 8 })).toEqual(['--launcher', 'accelerate', '--num-processes', '8'])
    expect(launcherArgs({ kind: 'accelerate', numProcesses: 2, configFile: '/c/fsdp.yaml' })).toEqual([
      '--launcher', 'accelerate', '--num-processes', '2', '--accelerate-config', '/c/fsdp.yaml'
    ])
  })
})
