import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NvidiaSmiMonitor } from '../../../src/main/adapters/gpu/NvidiaSmiMonitor'
import { Workbench } from '../../../src/main/app/Workbench'
import { makeTempDir } from '../../support/paths'

/** `models.gpuStatus` through the contract (dispatchCall), the service and the GpuMonitor port, to nvidia-smi. */
describe('models.gpuStatus', () => {
  let temp: ReturnType<typeof makeTempDir>
  beforeAll(() => {
    temp = makeTempDir()
  })
  afterAll(() => temp.cleanup())

  const open = (command: string) =>
    Workbench.open({ databasePath: join(temp.dir, `${Math.random()}.sqlite`), dataFolder: null, transport: 'cli', gpuMonitor: new NvidiaSmiMonitor({ command }) })

  it('answers with the GPUs nvidia-smi lists', async () => {
    // A stand-in for the driver's tool (the process boundary), printing what the monitor's query returns.
    const fake = join(temp.dir, 'nvidia-smi')
    writeFileSync(fake, '#!/bin/sh\necho "0, NVIDIA H200, 143771, 70311, 97, 58"\n')
    chmodSync(fake, 0o755)
    const workbench = open(fake)
    try {
      const status = await workbench.api.models.gpuStatus()
      expect(status).toMatchObject({ available: true, reason: null })
      expect(status.devices).toEqual([
        { index: 0, name: 'NVIDIA H200', memoryTotalBytes: 143_771 * 1024 ** 2, memoryUsedBytes: 70_311 * 1024 ** 2, utilizationPercent: 97, temperatureCelsius: 58 }
      ])
    } finally {
      await workbench.dispose()
    }
  })

  it('says why there is nothing to show on a machine without nvidia-smi', async () => {
    const workbench = open(join(temp.dir, 'not-installed'))
    try {
      const status = await workbench.api.models.gpuStatus()
      expect(status).toMatchObject({ available: false, devices: [] })
      expect(status.reason).toMatch(/is not installed here \(it comes with the NVIDIA driver\)/)
    } finally {
      await workbench.dispose()
    }
  })
})
