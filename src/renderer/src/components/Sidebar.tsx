import type { JSX } from 'react'
import { pages, useAppStore } from '../stores/useAppStore'

export function Sidebar(): JSX.Element {
  const current = useAppStore((state) => state.page)
  const setPage = useAppStore((state) => state.setPage)
  const running = useAppStore((state) => Object.values(state.jobs).filter((job) => job.status === 'running').length)
  return (
    <nav className="sidebar" aria-label="Sections">
      <div className="brand">
        <span className="brand-mark">M</span>
        <div>
          <div className="brand-name">MALT Workbench</div>
          <div className="brand-sub">generator · verifier · refiner</div>
        </div>
      </div>
      <ul>
        {pages.map((page) => (
          <li key={page.id}>
            <button
              type="button"
              className={page.id === current ? 'nav-item active' : 'nav-item'}
              aria-current={page.id === current ? 'page' : undefined}
              onClick={() => setPage(page.id)}
            >
              <span className="nav-label">{page.label}</span>
              <span className="nav-hint">{page.hint}</span>
            </button>
          </li>
        ))}
      </ul>
      {running > 0 && <div className="sidebar-jobs">{running} job{running > 1 ? 's' : ''} running</div>}
    </nav>
  )
}
