import type { JSX } from 'react'
import { useMemo } from 'react'
import { useAppStore } from '../stores/useAppStore'
import { formatDuration } from '../format'
import { GpuLiveWidget } from './GpuLiveWidget'

export function StatusBar(): JSX.Element {
  const info = useAppStore((state) => state.info)
  const connection = useAppStore((state) => state.connection)
  const allJobs = useAppStore((state) => state.jobs)
  const jobs = useMemo(() => Object.values(allJobs).filter((job) => job.status === 'running'), [allJobs])
  return (
    <footer className="statusbar">
      <span className={`dot dot-${connection}`} title={`connection ${connection}`} />
      <span>{connection === 'open' ? 'connected' : connection}</span>
      {info && (
        <span className="muted" title={info.databasePath}>
          {info.transport === 'serve' ? 'serve mode' : info.transport} · db {info.databasePath} · schema v{info.schemaVersion}
        </span>
      )}
      <span className="spacer" />
      {jobs.length > 0 && <GpuLiveWidget />}
      {jobs.map((job) => (
        <span key={job.id} className="status-job">
          {job.title}: {job.total ? `${Math.floor((100 * job.done) / job.total)}%` : job.done}
          {job.etaSeconds !== null ? ` · ETA ${formatDuration(job.etaSeconds)}` : ''}
        </span>
      ))}
    </footer>
  )
}
