import { useEffect, useRef, useState } from 'react'

export interface Loaded<T> {
  data: T | null
  error: Error | null
  loading: boolean
}

/**
 * Loads `load()` whenever `key` changes (null loads nothing and clears). The previous data stays on screen while
 * the next loads, and an answer that arrives after a newer request was made is dropped.
 */
export function useLoaded<T>(key: string | null, load: () => Promise<T>): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ data: null, error: null, loading: false })
  const latest = useRef(0)
  const loadRef = useRef(load)
  loadRef.current = load

  useEffect(() => {
    const mine = ++latest.current
    if (key === null) {
      setState({ data: null, error: null, loading: false })
      return
    }
    setState((previous) => ({ ...previous, loading: true }))
    loadRef.current().then(
      (data) => {
        if (mine === latest.current) setState({ data, error: null, loading: false })
      },
      (error: unknown) => {
        if (mine === latest.current) setState((previous) => ({ data: previous.data, error: error as Error, loading: false }))
      }
    )
  }, [key])

  return state
}
