import type { GpuDevice } from '@shared/api/schemas/models'
import { AppError } from '@shared/errors'

/** The fields NvidiaSmiMonitor asks for, in the order `nvidia-smi --query-gpu` prints them. */
export const nvidiaSmiQueryFields = ['index', 'name', 'memory.total', 'memory.used', 'utilization.gpu', 'temperature.gpu'] as const

const mebibyte = 1024 * 1024

/**
 * The devices in the output of `nvidia-smi --query-gpu=<nvidiaSmiQueryFields> --format=csv,noheader,nounits`: one
 * line per GPU, fields separated by ", ", memory in MiB. A field the device does not report reads "[N/A]" or
 * "[Not Supported]" (utilisation under some vGPU and MIG setups) and becomes null; a line of another shape is an
 * error naming it, since guessing would put wrong numbers on the screen.
 */
export function parseNvidiaSmiCsv(output: string): GpuDevice[] {
  const devices: GpuDevice[] = []
  output.split(/\r?\n/).forEach((raw, lineIndex) => {
    const line = raw.trim()
    if (line === '') return
    const fields = line.split(',').map((field) => field.trim())
    const where = `nvidia-smi output line ${lineIndex + 1} ('${line.slice(0, 120)}')`
    if (fields.length !== nvidiaSmiQueryFields.length) {
      throw new AppError('bad_file', `${where} has ${fields.length} fields, expected ${nvidiaSmiQueryFields.length} (${nvidiaSmiQueryFields.join(', ')})`)
    }
    const [index, name, total, used, utilization, temperature] = fields as [string, string, string, string, string, string]
    const number = (text: string, field: string): number | null => {
      if (/^\[.*\]$/.test(text)) return null
      const value = Number(text)
      if (text === '' || !Number.isFinite(value)) throw new AppError('bad_file', `${where}: ${field} is '${text}', not a number`)
      return value
    }
    const indexValue = number(index, 'index')
    const totalMiB = number(total, 'memory.total')
    if (indexValue === null || totalMiB === null) throw new AppError('bad_file', `${where}: index and memory.total are required`)
    const usedMiB = number(used, 'memory.used')
    devices.push({
      index: indexValue,
      name,
      memoryTotalBytes: totalMiB * mebibyte,
      memoryUsedBytes: usedMiB === null ? null : usedMiB * mebibyte,
      utilizationPercent: number(utilization, 'utilization.gpu'),
      temperatureCelsius: number(temperature, 'temperature.gpu')
    })
  })
  return devices
}
