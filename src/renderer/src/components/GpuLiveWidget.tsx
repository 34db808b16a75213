import type { JSX } from 'react'
import { formatBytes } from '../format'
import { useGpuStatus } from './useGpuStatus'

/** GPU memory and utilisation every 2 s while a job runs; nothing on a machine without an NVIDIA GPU. */
export function GpuLiveWidget(): JSX.Element | null {
  const status = useGpuStatus(2_000)
  if (!status?.available) return null
  return (
    <span className="status-job" data-testid="gpu-live" title={`read with nvidia-smi at ${new Date(status.readAt).toLocaleTimeString()}`}>
      {status.devices.map((device) => (
        <span key={device.index}>
          GPU {device.index}: {device.memoryUsedBytes === null ? '?' : formatBytes(device.memoryUsedBytes)} / {formatBytes(device.memoryTotalBytes)}
          {device.utilizationPercent !== null ? ` · ${device.utilizationPercent}%` : ''}
        </span>
      ))}
    </span>
  )
}
