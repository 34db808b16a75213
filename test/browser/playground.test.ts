import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, openPage, screenshotPath, startServe } from '../support/browser'
import type { ServeProcess } from '../support/browser'
import { smolModelPath } from '../support/models'
import { makeTempDir, sharedDataDir } from '../support/paths'

/** Calls the serve-mode API directly, for setting the stage before the UI is driven. */
async function api(serve: ServeProcess, method: string, input: unknown): Promise<unknown> {
  const base = new URL(serve.url)
  const response = await fetch(new URL(`/api/${method}`, base), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(input) })
  const body = (await response.json()) as { ok: boolean; result?: unknown; error?: { message: string } }
  if (!body.ok) throw new Error(`${method}: ${body.error?.message}`)
  return body.result
}

describe('Playground in Chromium over serve mode, on SmolLM2', () => {
  let temp: ReturnType<typeof makeTempDir>
  let serve: ServeProcess
  let browser: Browser

  beforeAll(async () => {
    temp = makeTempDir()
    serve = await startServe(['--db', join(temp.dir, 'w.sqlite')], { MALT_DATA_DIR: sharedDataDir() })
    await api(serve, 'datasets.import', { name: 'gsm8k', format: 'gsm8k', source: { kind: 'dataFolder', relativePath: 'gsm8k/test.jsonl' } })
    await api(serve, 'models.saveEngineSettings', { gpu: false, maxThreads: 1, gpuLayers: 0, sequencesPerRole: 2, contextSize: 2048 })
    await api(serve, 'models.add', { path: smolModelPath(), makeDefault: true })
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
    temp?.cleanup()
  })

  it('streams G → V → R on a dataset question, validates an edited prompt, and runs two verifiers side by side', async () => {
    const { page, errors } = await openPage(browser, `${serve.url}#/playground`, { viewport: { width: 1500, height: 1100 } })
    await expect.poll(() => page.getByTestId('template-generator-user').inputValue()).toContain('{{question}}')

    const picker = page.getByTestId('pick-question')
    await expect.poll(async () => (await picker.locator('option').count()) > 1).toBe(true)
    await picker.selectOption({ index: 1 })
    await expect.poll(() => page.getByTestId('question-text').inputValue()).toMatch(/Janet’s ducks/)
    await page.getByTestId('max-tokens').fill('40')

    await page.getByTestId('run-playground').click()
    for (const role of ['generator', 'verifier', 'refiner']) {
      await expect.poll(() => page.getByTestId(`pane-main-${role}`).locator('pre').innerText(), { timeout: 120_000 }).not.toBe('')
    }
    await expect.poll(() => page.getByTestId('run-playground').innerText(), { timeout: 120_000 }).toBe('Run G → V → R')
    const generator = await page.getByTestId('pane-main-generator').innerText()
    expect(generator).toMatch(/answer .+ [✓✗]|no answer found/)
    // Where the answer was found (marked in the output) and the verdict's reason, or why there is none.
    const note = await page.getByTestId('pane-main-generator').getByTestId('grading-note').innerText()
    expect(note).toMatch(/^from the .+ · .+|^no answer/)
    expect(await page.getByTestId('pane-main-generator').locator('mark.extracted-answer').count()).toBe(note.startsWith('from') ? 1 : 0)

    // A verifier prompt without {{generation}} is flagged before anything runs.
    const verifierUser = page.getByTestId('template-verifier-user')
    const original = await verifierUser.inputValue()
    await verifierUser.fill('Question: {{question}}')
    await expect.poll(() => page.getByLabel('Verifier prompt').getByRole('alert').innerText()).toContain('{{generation}}')
    await verifierUser.fill(original)

    await page.getByTestId('compare-toggle').check()
    await page.getByTestId('run-playground').click()
    await expect.poll(() => page.getByTestId('pane-compare-refiner').locator('pre').innerText(), { timeout: 180_000 }).not.toBe('')
    await expect.poll(() => page.getByTestId('run-playground').innerText(), { timeout: 120_000 }).toBe('Run G → V → R')
    await expect.poll(() => page.getByLabel('History').locator('li').count()).toBeGreaterThanOrEqual(2)

    await page.screenshot({ path: screenshotPath('playground'), fullPage: true })
    expect(errors).toEqual([])
  })
})
