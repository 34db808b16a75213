import { useEffect, useRef, useState } from 'react'
import { useAppStore } from '../../stores/useAppStore'
import { jobOfRun } from './runProgress'

/**
 * How often a running run's summary, questions and tree are re-read: every 3 s, less often for big runs, because each
 * re-read recomputes credit over the whole run on the service side (about 0.5 s per 40,000 nodes on this machine).
 */
export function liveRefreshMs(expectedNodes: number): number {
  return Math.min(30_000, Math.max(3000, Math.round(expectedNodes * 0.04)))
}

/**
 * A key that changes when the run's stored data may have changed: on `store.changed` 'runs' (created, started,
 * finished), and while its job runs, at most once per `liveRefreshMs` however often `job.updated` arrives.
 */
export function useRunRefreshKey(runId: number | null, expectedNodes: number): string {
  const revision = useAppStore((state) => state.revisions.runs ?? 0)
  const done = useAppStore((state) => (runId === null ? null : (jobOfRun(state.jobs, runId)?.done ?? null)))
  const [tick, setTick] = useState(0)
  const lastTick = useRef(0)

  useEffect(() => {
    if (done === null) return
    const wait = Math.max(0, lastTick.current + liveRefreshMs(expectedNodes) - Date.now())
    const timer = setTimeout(() => {
      lastTick.current = Date.now()
      setTick((value) => value + 1)
    }, wait)
    return () => clearTimeout(timer)
  }, [done, expectedNodes])

  return `${revision}:${tick}`
}
