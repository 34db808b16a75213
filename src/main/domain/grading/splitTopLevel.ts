/**
 * Bracket-aware scanning of LaTeX answers: a separator splits only where no `(`, `[`, `{` or `\{` is open, so that
 * `(1,2),(3,4)` has two items and `\frac{1,2}{3}` one. Bracket kinds are not matched against each other, because a
 * half-open interval `(3,4]` is balanced too.
 */
export function splitTopLevel(s: string, separator: string): string[] {
  const parts: string[] = []
  let depth = 0
  let start = 0
  const command = separator.startsWith('\\')
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!
    if (c === '\\') {
      const next = s[i + 1]
      if (next === '{' || next === '}') {
        depth += next === '{' ? 1 : -1
        i++
        continue
      }
      if (command && depth === 0 && s.startsWith(separator, i) && !/[a-zA-Z]/.test(s[i + separator.length] ?? '')) {
        parts.push(s.slice(start, i))
        start = i + separator.length
        i = start - 1
      }
      continue
    }
    if (c === '(' || c === '[' || c === '{') depth++
    else if (c === ')' || c === ']' || c === '}') depth--
    else if (!command && depth === 0 && s.startsWith(separator, i)) {
      parts.push(s.slice(start, i))
      start = i + separator.length
      i = start - 1
    }
  }
  parts.push(s.slice(start))
  return parts.map((part) => part.trim()).filter((part, _, all) => all.length === 1 || part.length > 0)
}

/** The offset where the bracket opened at `start` closes (`\{`/`\}` count as brackets), or -1. */
export function closingBracket(s: string, start: number): number {
  let depth = 0
  for (let i = start; i < s.length; i++) {
    const c = s[i]!
    if (c === '\\') {
      const next = s[i + 1]
      if (next === '{' || next === '}') {
        depth += next === '{' ? 1 : -1
        if (depth === 0) return i
        i++
      }
      continue
    }
    if (c === '(' || c === '[' || c === '{') depth++
    else if ((c === ')' || c === ']' || c === '}') && --depth === 0) return i
  }
  return -1
}
