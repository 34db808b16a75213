/** Saves text as a file through the browser's download (an object URL, revoked once the click has been handled). */
export function downloadText(fileName: string, content: string, type = 'application/jsonl'): void {
  const url = URL.createObjectURL(new Blob([content], { type }))
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.rel = 'noopener'
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
