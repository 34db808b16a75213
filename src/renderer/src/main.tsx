import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import { workbench } from './api/workbench'
import { useAppStore } from './stores/useAppStore'
import './styles.css'

workbench.events.subscribe((event) => useAppStore.getState().applyEvent(event))
void workbench.app
  .info()
  .then((info) => useAppStore.getState().setInfo(info))
  .catch(() => undefined)
void workbench.jobs
  .list()
  .then((jobs) => {
    for (const job of jobs) useAppStore.getState().applyEvent({ type: 'job.updated', job })
  })
  .catch(() => undefined)

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>
)
