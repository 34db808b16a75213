import type { JobSnapshot } from '@shared/api/schemas/jobs'

/** One human line of a job's progress: "run 3: 120/351 nodes (34%) · 2.1 nodes/s · 54 tok/s · ETA 1 min 50 s". */
export function progressLine(job: JobSnapshot): string {
  const parts: string[] = []
  const total = job.total ?? null
  parts.push(total ? `${job.done}/${total} ${job.unit} (${Math.floor((100 * job.done) / Math.max(1, total))}%)` : `${job.done} ${job.unit}`)
  if (job.rate !== null) parts.push(`${job.rate.toFixed(2)} ${job.unit}/s`)
  for (const [key, value] of Object.entries(job.detail)) {
    if (value === null) continue
    if (key === 'tokensPerSecond') parts.push(`${value} tok/s`)
    else if (key.endsWith('Accuracy') && typeof value === 'number') parts.push(`${key.replace('Accuracy', '')} ${(100 * value).toFixed(1)}%`)
    else if (key === 'questionsDone') parts.push(`${value}/${job.detail.questionCount ?? '?'} questions`)
    else if (key === 'loss' && typeof value === 'number') parts.push(`loss ${value.toFixed(4)}`)
  }
  if (job.etaSeconds !== null) parts.push(`ETA ${formatSeconds(job.etaSeconds)}`)
  return `${job.title}: ${parts.join(' · ')}`
}

export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`
}
