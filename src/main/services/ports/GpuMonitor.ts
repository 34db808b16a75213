import type { GpuStatus } from '@shared/api/schemas/models'

/**
 * The machine's GPUs as the driver reports them right now (memory in use, utilisation), for the live widget during
 * training and runs and for the training form's memory check. The implementation is adapters/gpu/NvidiaSmiMonitor;
 * it never throws: a machine without an NVIDIA GPU answers `available: false` with the reason.
 */
export interface GpuMonitor {
  read(signal?: AbortSignal): Promise<GpuStatus>
}
