/** The stylesheet's palette (styles.css `:root`), read once, for SVG charts that take colors as props. */
export interface ThemeColors {
  generator: string
  verifier: string
  refiner: string
  good: string
  bad: string
  accent: string
  muted: string
  border: string
}

let cached: ThemeColors | null = null

export function themeColors(): ThemeColors {
  if (cached) return cached
  const style = getComputedStyle(document.documentElement)
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback
  cached = {
    generator: read('--generator', '#1971c2'),
    verifier: read('--verifier', '#9c36b5'),
    refiner: read('--refiner', '#e8590c'),
    good: read('--good', '#2b8a3e'),
    bad: read('--bad', '#c92a2a'),
    accent: read('--accent', '#3b5bdb'),
    muted: read('--muted', '#6b7385'),
    border: read('--border', '#e2e5ea')
  }
  return cached
}
