/** A JSONL download as the API returns it: the file's name, how many lines, and its text (newline-terminated). */
export interface JsonlFile {
  fileName: string
  lines: number
  content: string
}

export function jsonlFile(fileName: string, lines: Iterable<string>): JsonlFile {
  const all = [...lines]
  return { fileName, lines: all.length, content: all.length === 0 ? '' : `${all.join('\n')}\n` }
}
