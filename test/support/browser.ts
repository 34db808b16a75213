import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { chromium } from 'playwright-core'
import { ensureRendererBuilt } from '../../src/main/adapters/build/ensureRendererBuilt'
import { repoRoot, testOutputDir } from './paths'

export const chromiumPath = process.env.MALT_CHROMIUM ?? '/usr/bin/chromium'

/** Debian's Chromium, headless. Missing Chromium fails the test with the command that installs it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`Chromium not found at ${chromiumPath}: install it with 'apt-get install chromium' (or set MALT_CHROMIUM)`)
  }
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  })
}

export interface ServeProcess {
  url: string
  child: ChildProcess
  output(): string
  stop(): Promise<number | null>
}

/** Runs the real `malt serve` (as `npm run malt -- serve` would) on a free port and waits for its URL. */
export async function startServe(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  await ensureRendererBuilt(repoRoot, () => undefined)
  // `node --import tsx` rather than the tsx CLI: the CLI kills its child if the child takes more than a moment to
  // acknowledge SIGTERM, which on a busy machine turned a clean shutdown into exit 143.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli/main.ts', 'serve', '--port', '0', ...args], {
    cwd: repoRoot,
    env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.node.json', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`malt serve did not start within 60 s:\n${output}`)), 60_000)
    const check = () => {
      const match = /at (http:\/\/\S+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(match[1]!)
      }
    }
    child.stdout!.on('data', check)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`malt serve exited with ${code}:\n${output}`))
    })
  })
  return {
    url,
    child,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode)
        child.once('exit', (code) => resolve(code))
        child.kill('SIGTERM')
      })
  }
}

export interface OpenPageOptions {
  viewport: { width: number; height: number }
  acceptDownloads?: boolean
  /** Also record console.error lines, not only uncaught page errors. */
  consoleErrors?: boolean
}

/**
 * A new page at `url` that records the page's uncaught errors (and, when asked, its console errors) into `errors`,
 * which the tests expect to stay empty: a UI that throws must fail the test even when the assertions still pass.
 */
export async function openPage(browser: Browser, url: string, options: OpenPageOptions): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: options.viewport, ...(options.acceptDownloads !== undefined ? { acceptDownloads: options.acceptDownloads } : {}) })
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  if (options.consoleErrors) {
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text())
    })
  }
  await page.goto(url)
  return { page, errors }
}

export function screenshotPath(name: string): string {
  mkdirSync(testOutputDir, { recursive: true })
  return join(testOutputDir, `${name}.png`)
}
