import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, openPage, screenshotPath, startServe } from '../support/browser'
import type { ServeProcess } from '../support/browser'
import { makeTempDir, sharedDataDir, sharedDataFile } from '../support/paths'

describe('Datasets page in Chromium over serve mode', () => {
  let temp: ReturnType<typeof makeTempDir>
  let serve: ServeProcess
  let browser: Browser

  beforeAll(async () => {
    temp = makeTempDir()
    serve = await startServe(['--db', join(temp.dir, 'w.sqlite')], { MALT_DATA_DIR: sharedDataDir() })
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    const code = await serve?.stop()
    expect(code).toBe(0)
    temp?.cleanup()
  })

  it('imports a dataset through the UI and shows its question count', async () => {
    const { page, errors } = await openPage(browser, `${serve.url}#/datasets`, { viewport: { width: 1400, height: 900 }, consoleErrors: true })
    await page.getByText('No datasets yet').waitFor()
    await expect.poll(() => page.locator('.statusbar').innerText()).toContain('connected')

    await page.getByRole('button', { name: 'Import dataset' }).click()
    await page.getByTestId('import-file').setInputFiles(sharedDataFile('gsm8k/test.jsonl'))
    await page.getByTestId('import-format').selectOption('gsm8k')
    await page.getByTestId('import-name').fill('gsm8k')
    await page.getByTestId('import-submit').click()
    await expect.poll(() => page.getByTestId('import-report').innerText()).toContain('1,319 added')
    await expect.poll(() => page.getByTestId('dataset-gsm8k').getByTestId('question-count').innerText()).toBe('1,319 questions')

    // The virtualized table shows the first question and only renders what is on screen.
    await page.getByRole('table', { name: 'Questions of gsm8k' }).getByText(/Janet’s ducks lay 16 eggs/).waitFor()
    const renderedRows = await page.locator('.vtable-row').count()
    expect(renderedRows).toBeGreaterThan(5)
    expect(renderedRows).toBeLessThan(100)

    // A second import from the data folder adds a split to the same dataset.
    await page.getByLabel('Data folder').check()
    await page.getByTestId('import-data-folder').selectOption('gsm8k/train.jsonl')
    await page.getByTestId('import-submit').click()
    await expect.poll(() => page.getByTestId('dataset-gsm8k').getByTestId('question-count').innerText()).toBe('8,792 questions')

    await page.screenshot({ path: screenshotPath('datasets-imported'), fullPage: true })
    expect(errors).toEqual([])
  })

  it('shows a bad file’s line and field, and imports nothing', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
    await page.goto(`${serve.url}#/datasets`)
    await page.getByRole('button', { name: 'Import dataset' }).click()
    await page.getByTestId('import-file').setInputFiles({
      name: 'broken.jsonl',
      mimeType: 'application/json',
      buffer: Buffer.from('{"question": "ok", "answer": "#### 1"}\n{"question": "no gold"}\n')
    })
    await page.getByTestId('import-name').fill('broken')
    await page.getByTestId('import-submit').click()
    const alert = page.getByRole('alert')
    await expect.poll(() => alert.innerText()).toContain("broken.jsonl:2 field 'answer': missing")
    expect(await page.getByTestId('dataset-broken').count()).toBe(0)
    await page.screenshot({ path: screenshotPath('datasets-bad-file'), fullPage: true })
  })

  it('every page of the shell renders its content, not a blank', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
    await page.goto(serve.url)
    for (const [label, heading] of [
      ['Setup', 'Setup'],
      ['Prompts & Playground', 'Prompts & Playground'],
      ['Runs', 'Runs'],
      ['Training', 'Training'],
      ['Evaluation', 'Evaluation'],
      ['Compare', 'Compare']
    ] as const) {
      await page.getByRole('navigation').getByRole('button', { name: new RegExp(`^${label.replace(/[&]/g, '\\&')}`) }).click()
      await page.getByRole('heading', { level: 1, name: heading }).waitFor()
      const text = await page.locator('main').innerText()
      expect(text.length, label).toBeGreaterThan(150)
    }
    await page.getByRole('navigation').getByRole('button', { name: /^Setup/ }).click()
    await expect.poll(() => page.locator('main').innerText()).toContain('Schema')
    await page.screenshot({ path: screenshotPath('setup-page'), fullPage: true })
  })
})
