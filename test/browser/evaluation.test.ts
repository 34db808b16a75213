import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Workbench } from '../../src/main/app/Workbench'
import { launchChromium, openPage, screenshotPath, startServe } from '../support/browser'
import type { ServeProcess } from '../support/browser'
import { tinyLoraPath, tinyModelPath } from '../support/models'
import { makeTempDir, sharedDataDir, sharedDataFile } from '../support/paths'
import { seedEvaluation } from '../support/seedEvaluation'
import { registerAdapter } from '../support/registerAdapter'

/**
 * The Evaluation and Compare pages over `malt serve`:
 * - a real evaluation created through the form on the tiny random GGUF (2 questions × 2 seeds, MV@2, 8 tokens),
 *   with tiny-lora-a/b as the MALT adapters: the real engine and pipeline, but noise answers (accuracies ~0);
 * - a scripted evaluation (`seedEvaluation`: the real EvaluationService with a stand-in model that is right about
 *   half the time, a bit more with an adapter), whose numbers make the table, charts and verifier comparison visibly
 *   meaningful.
 */

const scriptedConfigurations = ['sa', 'sa_mv', 'ma', 'ma_mv', 'malt_nomv', 'malt', 'untrained_g', 'untrained_v', 'untrained_r', 'g_only', 'g_v', 'g_r']

/** expect.poll with room for a busy machine (its default gives up after one second). */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000 })

/** Calls the serve-mode API directly, for setting the stage before the UI is driven. */
async function api(serve: ServeProcess, method: string, input: unknown): Promise<unknown> {
  const response = await fetch(new URL(`/api/${method}`, serve.url), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(input) })
  const body = (await response.json()) as { ok: boolean; result?: unknown; error?: { message: string } }
  if (!body.ok) throw new Error(`${method}: ${body.error?.message}`)
  return body.result
}

describe('Evaluation and Compare pages in Chromium over serve mode', () => {
  let temp: ReturnType<typeof makeTempDir>
  let serve: ServeProcess
  let browser: Browser
  let scriptedId: number
  let lora: { a: number; b: number }

  beforeAll(async () => {
    temp = makeTempDir()
    const databasePath = join(temp.dir, 'w.sqlite')
    const workbench = Workbench.open({ databasePath, dataFolder: sharedDataDir(), transport: 'cli' })
    try {
      await workbench.datasets.importFile(sharedDataFile('gsm8k/test.jsonl'), { name: 'gsm8k', format: 'gsm8k' })
      // One thread: the machine is shared; small contexts (prompts are a few hundred tokens).
      workbench.models.saveEngineSettings({ gpu: false, maxThreads: 1, gpuLayers: 0, sequencesPerRole: 4, contextSize: 1024 })
      const register = (name: string, role: 'generator' | 'verifier', file: string) =>
        registerAdapter(workbench, { name, role, stage: 'dpo', baseModelPath: tinyModelPath(), ggufPath: file, peftDir: null, trainingJobId: null, runId: null }).id
      lora = { a: register('tiny-lora-a', 'generator', tinyLoraPath('a')), b: register('tiny-lora-b', 'verifier', tinyLoraPath('b')) }
    } finally {
      await workbench.dispose()
    }
    const seeded = await seedEvaluation({
      databasePath,
      configurations: scriptedConfigurations,
      malt: { generator: lora.a, verifier: lora.b, refiner: lora.a },
      subsetSize: 15,
      seeds: [0, 1, 2, 3],
      name: 'scripted: baselines, MALT and ablations'
    })
    expect(seeded.status).toBe('completed')
    scriptedId = seeded.evaluationId
    serve = await startServe(['--db', databasePath], { MALT_DATA_DIR: sharedDataDir() })
    browser = await launchChromium()
  }, 300_000)
  afterAll(async () => {
    await browser?.close()
    const code = await serve?.stop()
    expect(code).toBe(0)
    temp?.cleanup()
  })

  const openHash = (hash: string, viewport = { width: 1400, height: 1000 }): Promise<{ page: Page; errors: string[] }> =>
    openPage(browser, `${serve.url}#/${hash}`, { viewport, acceptDownloads: true, consoleErrors: true })

  it('creates a real evaluation on the tiny model from the form and shows its table, charts, items and exports', async () => {
    const { page, errors } = await openHash('evaluation', { width: 1400, height: 1500 })
    await page.getByTestId(`evaluation-${scriptedId}`).waitFor()
    await page.getByTestId('new-eval-toggle').click()
    await poll(() => page.getByTestId('new-eval-dataset').locator('option').count()).toBe(1)
    await page.getByTestId('config-sa').waitFor()
    await page.getByTestId('new-eval-subset').fill('2')
    await page.getByTestId('new-eval-seeds').fill('0,1')
    await page.getByTestId('new-eval-votes').fill('2')
    await page.getByTestId('new-eval-max-tokens').fill('8')
    await page.getByTestId('config-sa_mv').uncheck()
    await page.getByTestId('config-ma_mv').uncheck()
    await page.getByTestId('config-malt').check()
    await page.getByTestId('config-untrained_v').check()
    expect(await page.getByTestId('new-eval-size').innerText()).toContain('2 questions × 2 seeds = 4 items')
    await page.getByTestId('adapter-malt-generator').selectOption(String(lora.a))
    await page.getByTestId('adapter-malt-verifier').selectOption(String(lora.b))
    await page.getByTestId('adapter-malt-refiner').selectOption(String(lora.a))
    await page.getByTestId('new-eval-model').fill(tinyModelPath())
    await page.screenshot({ path: screenshotPath('evaluation-new-form'), fullPage: true })
    await page.getByTestId('new-eval-submit').click()

    // The new evaluation is selected, runs to completion and shows its numbers.
    await expect.poll(() => page.getByTestId('evaluation-title').innerText(), { timeout: 15_000 }).toMatch(/^gsm8k\/test: sa, ma, malt, untrained_v \(2 × 2\)$/)
    const tinyId = Number((await page.locator('.run-row.selected').getAttribute('data-testid'))!.replace('evaluation-', ''))
    const row = page.getByTestId(`evaluation-${tinyId}`)
    await expect.poll(() => row.getByTestId('evaluation-progress-text').innerText(), { timeout: 170_000 }).toMatch(/^(\d+)\/\1 units · 4\/4 items$/)
    await poll(() => row.innerText()).toMatch(/completed/i)
    const table = page.getByTestId('results-table')
    await poll(() => table.locator('tbody tr').count()).toBe(4)
    expect(await page.getByTestId('results-row-malt').innerText()).toMatch(/MALT[\s\S]*\d+\.\d\d ± \d+\.\d\d/)
    for (const chart of ['chart-turn-accuracy', 'chart-eval-flips', 'chart-votes', 'chart-ablations']) await page.getByTestId(chart).locator('svg.recharts-surface').first().waitFor()

    // Items: 2 questions × 2 seeds; one opened shows its generator, verifier and refiner outputs per pass.
    await page.getByTestId('items-configuration').selectOption('malt')
    await poll(() => page.getByTestId('items-shown').innerText()).toBe('4 shown')
    await page.getByRole('table', { name: 'Evaluation items' }).locator('[role="row"][aria-rowindex="1"]').click()
    const detail = page.getByTestId('item-detail')
    await poll(() => detail.locator('.stage-output').count()).toBe(6)
    expect(await detail.innerText()).toMatch(/Pass 1[\s\S]*generator[\s\S]*verifier[\s\S]*refiner[\s\S]*Pass 2/)
    // Every output says where its answer was found (marked in the text) or why there is none.
    expect(await detail.getByTestId('grading-note').count()).toBe(6)
    const marked = await detail.locator('mark.extracted-answer').count()
    const unanswered = (await detail.getByTestId('grading-note').allInnerTexts()).filter((note) => /^no answer/.test(note)).length
    expect(marked + unanswered).toBe(6)

    // Exports: the table as CSV and the items as JSONL.
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('evaluation-exports').getByRole('button', { name: 'CSV' }).click()])
    const csvText = readFileSync((await csv.path())!, 'utf8')
    expect(csvText.split('\n')[0]).toBe('Configuration,GSM8K')
    expect(csvText).toContain('MALT')
    const [jsonl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('evaluation-exports').getByRole('button', { name: 'JSONL' }).click()])
    const lines = readFileSync((await jsonl.path())!, 'utf8').trim().split('\n')
    expect(lines).toHaveLength(4 * 4)
    expect(JSON.parse(lines[0]!)).toMatchObject({ evaluationId: tinyId, configurationId: 'sa' })

    await page.screenshot({ path: screenshotPath('evaluation-tiny'), fullPage: true })
    expect(errors).toEqual([])
  })

  it('shows the scripted evaluation as the paper’s table and figures, and compares it with another evaluation', async () => {
    const { page, errors } = await openHash('evaluation', { width: 1400, height: 1400 })
    await page.getByTestId(`evaluation-${scriptedId}`).getByRole('button', { name: new RegExp(`#${scriptedId} ·`) }).click()
    await poll(() => page.getByTestId('evaluation-title').innerText()).toBe('scripted: baselines, MALT and ablations')
    const table = page.getByTestId('results-table')
    await poll(() => table.locator('tbody tr').count()).toBe(scriptedConfigurations.length)
    expect(await table.innerText()).toMatch(/accuracy|Configuration/)
    expect(await page.getByTestId('results-row-malt').innerText()).toMatch(/\d+\.\d\d ± \d+\.\d\d/)

    const chartTexts: Record<string, RegExp> = {
      'chart-turn-accuracy': /G[\s\S]*V[\s\S]*R[\s\S]*MALT/,
      'chart-eval-flips': /wrong → right[\s\S]*right → wrong/,
      'chart-votes': /SA\+MV[\s\S]*MALT/,
      'chart-ablations': /Untrained G[\s\S]*G only[\s\S]*MALT/
    }
    for (const [chart, text] of Object.entries(chartTexts)) {
      await page.getByTestId(chart).locator('svg.recharts-surface').first().waitFor()
      await expect.poll(() => page.getByTestId(chart).innerText(), { message: chart, timeout: 15_000 }).toMatch(text)
    }
    await page.locator('.results-table-card').screenshot({ path: screenshotPath('evaluation-results-table') })
    await page.getByTestId('evaluation-charts').screenshot({ path: screenshotPath('evaluation-charts') })

    // MALT against MA within the scripted evaluation: items right in one and wrong in the other.
    await page.getByTestId('compare-evaluation-b').selectOption(String(scriptedId))
    await page.getByTestId('compare-configuration-a').selectOption('malt')
    await page.getByTestId('compare-configuration-b').selectOption('ma_mv')
    const entry = page.getByTestId('comparison-malt-ma_mv')
    await poll(() => entry.innerText()).toMatch(/60 shared items · both right \d+ · both wrong \d+/)
    // Each differing item shows its question id (L…), text and gold answer.
    expect(await entry.locator('tbody tr').first().innerText()).toMatch(/^\d\s+L\d+\s+\S[\s\S]*\s\d+\s/)
    await page.getByTestId('evaluation-comparison').screenshot({ path: screenshotPath('evaluation-compare') })
    await page.screenshot({ path: screenshotPath('evaluation-overview'), fullPage: true })
    expect(errors).toEqual([])
  })

  it('shows a running evaluation’s live progress and ETA, and pauses, resumes and removes it', async () => {
    const created = (await api(serve, 'evaluations.create', {
      name: 'live tiny evaluation',
      datasetId: 1,
      configurations: ['sa', 'ma_mv', 'debate'],
      seeds: [0, 1],
      subsetSize: 40,
      sampling: { temperature: 0.3, topP: 1, maxTokens: 16 },
      modelPath: tinyModelPath(),
      questionConcurrency: 2
    })) as { id: number; unitCount: number }
    const { page, errors } = await openHash('evaluation', { width: 1400, height: 700 })
    page.on('dialog', (dialog) => void dialog.accept())
    const row = page.getByTestId(`evaluation-${created.id}`)
    await expect.poll(() => row.innerText(), { timeout: 60_000 }).toMatch(/running/i)
    // The job's progress arrives as events: units/s and an ETA while it runs.
    await expect.poll(() => row.getByTestId('evaluation-speed').innerText(), { timeout: 60_000 }).toMatch(/\d+\.\d\d units\/s\s+ETA (\d|—)/)
    await page.locator('.run-list').screenshot({ path: screenshotPath('evaluation-live') })

    await row.getByRole('button', { name: 'Pause' }).click()
    await expect.poll(() => row.innerText(), { timeout: 60_000 }).toMatch(/paused/i)
    const stored = Number((await row.getByTestId('evaluation-progress-text').innerText()).split('/')[0]!.replace(/,/g, ''))
    expect(stored).toBeLessThan(created.unitCount)
    await row.getByRole('button', { name: 'Resume' }).click()
    await expect.poll(() => row.innerText(), { timeout: 60_000 }).toMatch(/running/i)
    await row.getByRole('button', { name: 'Pause' }).click()
    await expect.poll(() => row.innerText(), { timeout: 60_000 }).toMatch(/paused/i)
    await row.getByRole('button', { name: 'Remove' }).click()
    await poll(() => row.count()).toBe(0)
    expect(errors).toEqual([])
  })

  it('steps through the items where the trained and the untrained verifier disagree on the Compare page', async () => {
    const { page, errors } = await openHash('compare', { width: 1400, height: 1300 })
    await page.getByTestId('compare-evaluation').selectOption(String(scriptedId))
    await poll(() => page.getByTestId('compare-trained').inputValue()).toBe('malt')
    expect(await page.getByTestId('compare-untrained').inputValue()).toBe('untrained_v')
    await poll(() => page.getByTestId('compare-summary').innerText()).toMatch(/^[1-9]\d* items? where the refinements disagree/)
    const disagreements = Number((await page.getByTestId('compare-summary').innerText()).split(' ')[0])
    await poll(() => page.getByTestId('compare-position').innerText()).toBe(`1 / ${disagreements}`)
    const item = page.getByTestId('compare-item')
    expect(await item.innerText()).toMatch(/Generator output[\s\S]*Untrained verifier[\s\S]*Refinement[\s\S]*Trained verifier[\s\S]*Refinement/)
    // Exactly one side's refinement is right on a disagreement.
    const verdicts = await item.locator('.compare-side .verdict').allInnerTexts()
    expect(verdicts.sort()).toEqual(['✓ correct', '✗ wrong'])
    await page.screenshot({ path: screenshotPath('compare-verifiers'), fullPage: true })

    const firstQuestion = await item.locator('.compare-question').innerText()
    await page.keyboard.press('ArrowRight')
    await poll(() => page.getByTestId('compare-position').innerText()).toBe(`${Math.min(2, disagreements)} / ${disagreements}`)
    if (disagreements > 1) await poll(() => item.locator('.compare-question').innerText()).not.toBe(firstQuestion)
    await page.keyboard.press('ArrowLeft')
    await poll(() => page.getByTestId('compare-position').innerText()).toBe(`1 / ${disagreements}`)
    // The picker lists every disagreement (untrained → trained verdicts) and jumps to one.
    const picker = page.getByTestId('compare-question-picker')
    expect(await picker.locator('option').count()).toBe(disagreements)
    expect(await picker.locator('option').first().innerText()).toMatch(/^seed \d · L\d+ · (✓ → ✗|✗ → ✓)$/)
    await picker.selectOption({ index: disagreements - 1 })
    await poll(() => page.getByTestId('compare-position').innerText()).toBe(`${disagreements} / ${disagreements}`)

    // Every item, not only the disagreements: 15 questions × 4 seeds.
    await page.getByTestId('compare-only-disagreements').uncheck()
    await poll(() => page.getByTestId('compare-position').innerText()).toBe('1 / 60')
    await page.getByTestId('compare-next').click()
    await poll(() => page.getByTestId('compare-position').innerText()).toBe('2 / 60')
    expect(errors).toEqual([])
  })
})
