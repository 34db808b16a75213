import type { JSX } from 'react'
import { Sidebar } from './components/Sidebar'
import { StatusBar } from './components/StatusBar'
import { ComparePage } from './features/compare/ComparePage'
import { DatasetsPage } from './features/datasets/DatasetsPage'
import { EvaluationPage } from './features/evaluation/EvaluationPage'
import { PlaygroundPage } from './features/playground/PlaygroundPage'
import { RunsPage } from './features/runs/RunsPage'
import { SetupPage } from './features/setup/SetupPage'
import { TrainingPage } from './features/training/TrainingPage'
import type { PageId } from './stores/useAppStore'
import { useAppStore } from './stores/useAppStore'

const pageComponents: Record<PageId, () => JSX.Element> = {
  setup: SetupPage,
  datasets: DatasetsPage,
  playground: PlaygroundPage,
  runs: RunsPage,
  training: TrainingPage,
  evaluation: EvaluationPage,
  compare: ComparePage
}

export function App(): JSX.Element {
  const page = useAppStore((state) => state.page)
  const Page = pageComponents[page]
  return (
    <div className="app">
      <Sidebar />
      <main className="content" data-page={page}>
        <Page />
      </main>
      <StatusBar />
    </div>
  )
}
