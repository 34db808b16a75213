/** `train.jsonl` → train, `math500_test.jsonl` → test, `dev_rand_split.jsonl` → dev; anything else → train. */
export function guessSplitFromFileName(fileName: string): string {
  const base = fileName.toLowerCase().split(/[\\/]/).pop() ?? ''
  if (/(^|[^a-z])(test)([^a-z]|$)/.test(base)) return 'test'
  if (/(^|[^a-z])(dev|val|valid|validation)([^a-z]|$)/.test(base)) return 'dev'
  return 'train'
}
