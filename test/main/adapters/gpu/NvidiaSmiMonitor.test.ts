import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { NvidiaSmiMonitor } from '../../../../src/main/adapters/gpu/NvidiaSmiMonitor'
import { nvidiaSmiQueryFields, parseNvidiaSmiCsv } from '../../../../src/main/adapters/gpu/parseNvidiaSmiCsv'

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8')
const mib = 1024 * 1024
const scratch = mkdtempSync(join(tmpdir(), 'malt-nvidia-smi-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/**
 * A stand-in for the nvidia-smi executable (the boundary NvidiaSmiMonitor crosses): it answers the monitor's exact
 * query with `output` and `exitCode`, and anything else with exit code 2, so a changed query fails the test.
 */
function fakeNvidiaSmi(name: string, output: string, exitCode = 0): string {
  const path = join(scratch, name)
  const expected = `--query-gpu=${nvidiaSmiQueryFields.join(',')} --format=csv,noheader,nounits`
  writeFileSync(join(scratch, `${name}.out`), output)
  writeFileSync(path, `#!/bin/sh\n[ "$*" = "${expected}" ] || { echo "unexpected arguments: $*" >&2; exit 2; }\ncat "${join(scratch, `${name}.out`)}"\nexit ${exitCode}\n`)
  chmodSync(path, 0o755)
  return path
}

describe('parseNvidiaSmiCsv', () => {
  it('reads one H200 with memory in bytes', () => {
    expect(parseNvidiaSmiCsv(fixture('nvidia-smi-h200-idle.csv'))).toEqual([
      { index: 0, name: 'NVIDIA H200', memoryTotalBytes: 143_771 * mib, memoryUsedBytes: 523 * mib, utilizationPercent: 0, temperatureCelsius: 31 }
    ])
  })

  it('reads several GPUs, and fields a device does not report as null', () => {
    const devices = parseNvidiaSmiCsv(fixture('nvidia-smi-mixed.csv'))
    expect(devices.map((device) => device.index)).toEqual([0, 1, 2])
    expect(devices[0]).toMatchObject({ name: 'NVIDIA H100 80GB HBM3', memoryUsedBytes: 20_480 * mib, utilizationPercent: 87, temperatureCelsius: 64 })
    expect(devices[2]).toMatchObject({ name: 'NVIDIA A100-SXM4-40GB MIG 3g.20gb', utilizationPercent: null, temperatureCelsius: null })
  })

  it('refuses a line of another shape, naming it', () => {
    expect(() => parseNvidiaSmiCsv('0, NVIDIA H200, 143771 MiB, 523 MiB, 0 %, 31\n')).toThrow(/line 1 .*memory.total is '143771 MiB', not a number/)
    expect(() => parseNvidiaSmiCsv('\n0, NVIDIA H200, 143771\n')).toThrow(/line 2 .* has 3 fields, expected 6/)
  })
})

describe('NvidiaSmiMonitor', () => {
  it('reads the GPUs through nvidia-smi', async () => {
    const status = await new NvidiaSmiMonitor({ command: fakeNvidiaSmi('ok', fixture('nvidia-smi-mixed.csv')) }).read()
    expect(status.available).toBe(true)
    expect(status.reason).toBeNull()
    expect(status.devices).toHaveLength(3)
    expect(Number.isNaN(Date.parse(status.readAt))).toBe(false)
  })

  it('says so, in words, where nvidia-smi is not installed', async () => {
    const status = await new NvidiaSmiMonitor({ command: join(scratch, 'no-such-nvidia-smi') }).read()
    expect(status).toMatchObject({ available: false, devices: [] })
    expect(status.reason).toMatch(/no NVIDIA GPU to read: .*no-such-nvidia-smi is not installed here \(it comes with the NVIDIA driver\)/)
  })

  it('passes on what a failing driver says', async () => {
    const status = await new NvidiaSmiMonitor({ command: fakeNvidiaSmi('no-driver', fixture('nvidia-smi-no-driver.txt'), 9) }).read()
    expect(status.available).toBe(false)
    expect(status.reason).toMatch(/failed \(exit code 9\): NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver/)
  })

  it('gives up on a driver that does not answer', async () => {
    const path = join(scratch, 'hung')
    writeFileSync(path, '#!/bin/sh\nexec sleep 30\n')
    chmodSync(path, 0o755)
    const status = await new NvidiaSmiMonitor({ command: path, timeoutMs: 300 }).read()
    expect(status).toMatchObject({ available: false })
    expect(status.reason).toMatch(/did not answer within 0.3 s; the NVIDIA driver may be busy or hung/)
  })

  it('reports output it cannot read instead of wrong numbers', async () => {
    const status = await new NvidiaSmiMonitor({ command: fakeNvidiaSmi('odd', 'GPU 0: NVIDIA H200\n') }).read()
    expect(status.available).toBe(false)
    expect(status.reason).toMatch(/printed something this workbench cannot read: .*has 1 fields, expected 6/)
  })
})
