import type { JSX } from 'react'
import { PageHeader } from '../../components/PageHeader'
import { useAppStore } from '../../stores/useAppStore'

export function SetupPage(): JSX.Element {
  const info = useAppStore((state) => state.info)
  return (
    <div className="page">
      <PageHeader title="Setup" subtitle="The base model the three agents share, the GPU it runs on, and the Python training environment." />
      <div className="cards">
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
        <section className="card placeholder">
          <h2>Base model</h2>
          <ul>
            <li>Load a GGUF file; its architecture, size, quantization, context length and chat template are shown here.</li>
            <li>Or download the paper's small model, Qwen2.5-1.5B-Instruct (GGUF), with progress, speed, ETA and cancel.</li>
            <li>GPU layers and CPU threads, with CUDA, Metal or Vulkan detected automatically.</li>
          </ul>
        </section>
        <section className="card placeholder">
          <h2>Training environment</h2>
          <ul>
            <li>Python, the runner's virtual environment and its pinned packages (PyTorch, transformers, peft, trl, gguf).</li>
            <li>CUDA availability and bf16/fp16 support of the GPU.</li>
            <li>What is missing, and a button to set it up (nothing is installed silently).</li>
          </ul>
        </section>
      </div>
    </div>
  )
}
