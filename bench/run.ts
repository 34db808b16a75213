/**
 * `npm run bench -- <name> [args]`: runs bench/<name>.ts, whose default export takes the remaining arguments.
 * Benchmarks print numbers and ratios against a baseline measured in the same run; nothing here asserts speed.
 */
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const available = readdirSync(here)
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts' && !file.startsWith('_'))
  .map((file) => file.slice(0, -3))

const [name, ...rest] = process.argv.slice(2)
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <${available.join('|')}> [args]`)
  process.exit(name ? 1 : 0)
}
const module = (await import(pathToFileURL(join(here, `${name}.ts`)).href)) as {
  default: (args: string[]) => Promise<void>
}
await module.default(rest)
