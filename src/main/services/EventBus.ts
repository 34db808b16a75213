import type { WorkbenchEvent, WorkbenchEventListener, WorkbenchEvents } from '@shared/api/events'

/** Fans service events out to every transport that listens (IPC windows, WebSocket clients, the CLI). */
export class EventBus implements WorkbenchEvents {
  private readonly listeners = new Set<WorkbenchEventListener>()

  subscribe(listener: WorkbenchEventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  emit(event: WorkbenchEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event)
      } catch {
        // A broken listener (a closed socket, a destroyed window) must not stop the others or the work.
      }
    }
  }

  log(source: string, level: 'debug' | 'info' | 'warn' | 'error', message: string, jobId?: string): void {
    this.emit({ type: 'log', source, level, message, time: new Date().toISOString(), ...(jobId ? { jobId } : {}) })
  }

  changed(collection: string): void {
    this.emit({ type: 'store.changed', collection })
  }
}
