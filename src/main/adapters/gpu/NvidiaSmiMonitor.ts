import { execFile, type ExecFileException } from 'node:child_process'
import type { GpuStatus } from '@shared/api/schemas/models'
import type { GpuMonitor } from '../../services/ports/GpuMonitor'
import { nvidiaSmiQueryFields, parseNvidiaSmiCsv } from './parseNvidiaSmiCsv'

export interface NvidiaSmiMonitorOptions {
  /** The nvidia-smi executable, looked up on PATH when not a path. Defaults to `"nvidia-smi"`. */
  command?: string
  /** A reading that takes longer is given up (a hung driver must not hang the page). Defaults to `5_000` ms. */
  timeoutMs?: number
  /** Defaults to this process's environment. */
  env?: NodeJS.ProcessEnv
}

/**
 * GPU memory and utilisation read with `nvidia-smi --query-gpu … --format=csv,noheader,nounits` (the driver's own
 * tool, present wherever the NVIDIA driver is, and cheap: one call takes tens of milliseconds). Machines without it,
 * with a driver that does not answer, or with output of another shape get `available: false` and a reason in words.
 */
export class NvidiaSmiMonitor implements GpuMonitor {
  constructor(private readonly options: NvidiaSmiMonitorOptions = {}) {}

  async read(signal?: AbortSignal): Promise<GpuStatus> {
    const command = this.options.command ?? 'nvidia-smi'
    const timeoutMs = this.options.timeoutMs ?? 5_000
    const readAt = new Date().toISOString()
    const absent = (reason: string): GpuStatus => ({ available: false, reason, devices: [], readAt })
    const args = [`--query-gpu=${nvidiaSmiQueryFields.join(',')}`, '--format=csv,noheader,nounits']
    const outcome = await new Promise<{ stdout: string; error: ExecFileException | null }>((resolve) => {
      execFile(command, args, { timeout: timeoutMs, env: this.options.env ?? process.env, ...(signal ? { signal } : {}), encoding: 'utf8' }, (error, stdout, stderr) => {
        resolve({ stdout: error ? `${stdout}${stderr}` : stdout, error })
      })
    })
    const { error, stdout } = outcome
    if (error) {
      if (error.code === 'ENOENT') return absent(`no NVIDIA GPU to read: ${command} is not installed here (it comes with the NVIDIA driver)`)
      if (error.name === 'AbortError') return absent('the GPU reading was cancelled')
      if (error.killed) return absent(`${command} did not answer within ${timeoutMs / 1000} s; the NVIDIA driver may be busy or hung`)
      const said = stdout.trim().split('\n')[0]?.trim()
      return absent(`${command} failed (exit code ${String(error.code)})${said ? `: ${said}` : ''}`)
    }
    try {
      const devices = parseNvidiaSmiCsv(stdout)
      if (devices.length === 0) return absent(`${command} lists no GPU`)
      return { available: true, reason: null, devices, readAt }
    } catch (parseError) {
      return absent(`${command} printed something this workbench cannot read: ${parseError instanceof Error ? parseError.message : String(parseError)}`)
    }
  }
}
