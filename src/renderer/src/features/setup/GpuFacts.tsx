import type { JSX } from 'react'
import type { BackendInfoView, ModelRecord } from '@shared/api/schemas/models'
import { useGpuStatus } from '../../components/useGpuStatus'
import { formatBytes } from '../../format'

/**
 * What the GPU section says beyond the backend line: the GPU memory llama.cpp sees, how many of the default model's
 * layers it put on the GPU, and the GPUs nvidia-smi sees with their memory (or why none can be read).
 */
export function GpuFacts(props: { backend: BackendInfoView; defaultModel: ModelRecord | null }): JSX.Element {
  const status = useGpuStatus(null)
  const facts = props.defaultModel?.facts?.backend
  return (
    <dl className="facts" aria-label="GPU facts" data-testid="gpu-facts">
      {props.backend.vramTotalBytes ? (
        <>
          <dt>GPU memory</dt>
          <dd>{formatBytes(props.backend.vramTotalBytes)} seen by llama.cpp</dd>
        </>
      ) : null}
      <dt>Offloaded</dt>
      <dd>
        {!props.defaultModel?.facts
          ? 'no default model loaded yet'
          : facts?.gpu
            ? `${facts.gpuLayers}${facts.totalLayers ? ` of ${facts.totalLayers}` : ''} layers of ${props.defaultModel.name} on the GPU`
            : `none: ${props.defaultModel.name} runs on the CPU`}
      </dd>
      <dt>NVIDIA GPUs</dt>
      <dd>
        {!status
          ? 'reading…'
          : status.available
            ? status.devices.map((device) => (
                <div key={device.index}>
                  {device.index}: {device.name}, {formatBytes(device.memoryTotalBytes)}
                  {device.memoryUsedBytes !== null ? ` (${formatBytes(device.memoryUsedBytes)} in use)` : ''}
                </div>
              ))
            : <span className="muted">{status.reason}</span>}
      </dd>
    </dl>
  )
}
