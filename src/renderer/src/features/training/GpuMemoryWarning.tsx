import type { JSX } from 'react'
import { useEffect } from 'react'
import { useGpuStatus } from '../../components/useGpuStatus'
import { useModelsStore } from '../../stores/useModelsStore'
import { checkGpuMemory, type GpuMemoryCheckInput } from './checkGpuMemory'

/** Under the training form: whether the job as set fits the GPU's free memory (checkGpuMemory), read every 10 s. */
export function GpuMemoryWarning(props: { modelPath: string | null; job: GpuMemoryCheckInput['job']; device: GpuMemoryCheckInput['device'] }): JSX.Element | null {
  const models = useModelsStore((state) => state.models)
  const loadModels = useModelsStore((state) => state.load)
  useEffect(() => {
    if (models.length === 0) void loadModels()
  }, [models.length, loadModels])
  const gpu = useGpuStatus(10_000)
  const facts = models.find((model) => model.path === props.modelPath)?.facts ?? null
  const job = props.job
  if (![job.batchSize, job.maxLength, job.rank].every((value) => Number.isFinite(value) && value > 0)) return null
  const check = checkGpuMemory({ facts, job, device: props.device, gpu })
  if (check.level === 'unknown' && props.device === 'cpu') return null
  return (
    <p className={check.level === 'warn' ? 'error-text' : 'muted'} role={check.level === 'warn' ? 'alert' : undefined} data-testid="gpu-memory-check">
      {check.message}
    </p>
  )
}
