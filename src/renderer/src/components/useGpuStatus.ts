import { useEffect, useState } from 'react'
import type { GpuStatus } from '@shared/api/schemas/models'
import { workbench } from '../api/workbench'

/**
 * The machine's GPUs as nvidia-smi reads them: once on mount, then every `intervalMs` while that is not null. A
 * machine without an NVIDIA GPU answers `available: false` once and is not asked again.
 */
export function useGpuStatus(intervalMs: number | null): GpuStatus | null {
  const [status, setStatus] = useState<GpuStatus | null>(null)
  useEffect(() => {
    let stopped = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const read = async () => {
      let next: GpuStatus
      try {
        next = await workbench.models.gpuStatus()
      } catch (error) {
        next = { available: false, reason: `the GPU could not be read: ${(error as Error).message}`, devices: [], readAt: new Date().toISOString() }
      }
      if (stopped) return
      setStatus(next)
      if (next.available && intervalMs !== null) timer = setTimeout(() => void read(), intervalMs)
    }
    void read()
    return () => {
      stopped = true
      if (timer) clearTimeout(timer)
    }
  }, [intervalMs])
  return status
}
