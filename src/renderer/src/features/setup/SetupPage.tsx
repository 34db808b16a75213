import type { JSX } from 'react'
import { PageHeader } from '../../components/PageHeader'
import { useAppStore } from '../../stores/useAppStore'
import { EndpointSection } from './EndpointSection'
import { EngineSection } from './EngineSection'
import { ModelSection } from './ModelSection'
import { TrainingEnvironmentSection } from './TrainingEnvironmentSection'

export function SetupPage(): JSX.Element {
  const info = useAppStore((state) => state.info)
  return (
    <div className="page">
      <PageHeader title="Setup" subtitle="The base model the three agents share, the GPU it runs on, and the Python training environment." />
      <ModelSection />
      <EndpointSection />
      <div className="cards">
        <EngineSection />
        <TrainingEnvironmentSection />
        <section className="card">
          <h2>Workbench</h2>
          {info ? (
            <dl className="facts">
              <dt>Version</dt>
              <dd>{info.version}</dd>
              <dt>Database</dt>
              <dd className="mono">{info.databasePath}</dd>
              <dt>Schema</dt>
              <dd>v{info.schemaVersion}</dd>
              <dt>Data folder</dt>
              <dd className="mono">{info.dataFolder ?? 'none (set MALT_DATA_DIR)'}</dd>
              <dt>Platform</dt>
              <dd>
                {info.platform}, Node {info.nodeVersion}, {info.cpuCount} CPU cores
              </dd>
              <dt>Connected over</dt>
              <dd>{info.transport}</dd>
            </dl>
          ) : (
            <p className="muted">Connecting…</p>
          )}
        </section>
      </div>
    </div>
  )
}
