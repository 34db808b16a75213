import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TrainingJobView } from '@shared/api/schemas/training'
import { Workbench } from '../../src/main/app/Workbench'
import { launchChromium, openPage, screenshotPath, startServe } from '../support/browser'
import type { ServeProcess } from '../support/browser'
import { tinyModelPath } from '../support/models'
import { makeTempDir, sharedDataDir } from '../support/paths'
import { seedRun } from '../support/seedRun'

/**
 * The Training page over `malt serve`, on a database with a verifier SFT job and the DPO job that started from it,
 * both trained for real by the Python runner on the tiny GGUF (2 steps each), so the curves are real runner metrics.
 */
describe('Training page in Chromium over serve mode', () => {
  let temp: ReturnType<typeof makeTempDir>
  let serve: ServeProcess
  let browser: Browser
  let sft: TrainingJobView
  let dpo: TrainingJobView

  beforeAll(async () => {
    temp = makeTempDir()
    const databasePath = join(temp.dir, 'w.sqlite')
    const { runId } = await seedRun({ databasePath, limit: 6, branching: 3, name: 'gsm8k scripted' })
    const workbench = Workbench.open({ databasePath, dataFolder: sharedDataDir(), transport: 'cli' })
    try {
      const options = { baseModelPath: tinyModelPath(), maxSteps: 2, batchSize: 2, maxLength: 512, gradientCheckpointing: false, device: 'cpu' as const }
      // The SFT job holds out a quarter of its examples, so its loss chart also draws eval_loss.
      sft = await workbench.training.enqueue({ runId, role: 'verifier', stage: 'sft', options: { ...options, rank: 4, alpha: 8, evalFraction: 0.25 } })
      dpo = await workbench.training.enqueue({ runId, role: 'verifier', stage: 'dpo', options })
      await workbench.training.whenIdle()
      for (const job of [sft, dpo]) {
        const view = workbench.training.view(job.id)
        expect(view.status, `${view.error}`).toBe('completed')
      }
    } finally {
      await workbench.dispose()
    }
    serve = await startServe(['--db', databasePath])
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
    temp?.cleanup()
  })

  it('shows the jobs, the loss curve of the SFT job, the reward curves of the DPO job, the log and the adapters', async () => {
    const { page, errors } = await openPage(browser, `${serve.url}#/training`, { viewport: { width: 1400, height: 1000 } })

    const sftRow = page.getByTestId(`training-job-${sft.id}`)
    await expect.poll(() => sftRow.innerText(), { timeout: 30_000 }).toMatch(/completed/i)
    expect(await sftRow.innerText()).toMatch(/2\/2 steps/)
    expect(await sftRow.innerText()).toMatch(/loss \d+\.\d{4}/)
    await sftRow.locator('.training-row-main').click()

    const lossChart = page.getByTestId('chart-training-loss')
    await expect.poll(() => lossChart.locator('.recharts-line-curve').count(), { timeout: 30_000 }).toBe(2) // loss and eval_loss
    expect(await lossChart.locator('.recharts-line-curve').first().getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+L/)
    expect(await lossChart.innerText()).toContain('eval_loss')
    const detail = page.getByTestId('training-detail')
    expect(await page.getByTestId('training-data-fit').innerText()).toMatch(/held out for eval_loss/)
    expect(await page.getByTestId('training-plan').innerText()).toMatch(/^batch of 2 in one pass, padded, sdpa attention, gradient checkpointing off/)
    expect(await detail.innerText()).toMatch(/best eval_loss \d+\.\d{4} at step [12]/)
    expect(await page.getByTestId('chart-training-rewards').count()).toBe(0)
    await expect.poll(() => page.getByTestId('training-log').innerText()).toContain('workbench: starting')
    expect(await page.getByTestId('training-adapter-path').innerText()).toMatch(/adapter\.gguf$/)
    expect(await page.getByLabel('Adapters').innerText()).toMatch(/#\d+ SFT/)
    await page.screenshot({ path: screenshotPath('training-sft'), fullPage: true })
    await page.getByTestId('training-detail').screenshot({ path: screenshotPath('training-sft-detail') })

    await page.getByTestId(`training-job-${dpo.id}`).locator('.training-row-main').click()
    const rewards = page.getByTestId('chart-training-rewards')
    await expect.poll(() => rewards.locator('.recharts-line-curve').count(), { timeout: 30_000 }).toBe(3)
    expect(await rewards.innerText()).toContain('rewards/margins')
    expect(await page.getByTestId('chart-training-accuracy').locator('.recharts-line-curve').count()).toBe(1)
    expect(await page.getByTestId('training-detail').innerText()).toContain(`starts from job ${sft.id}`)
    await page.getByTestId('training-detail').screenshot({ path: screenshotPath('training-dpo-detail') })

    // The queue form opens on demand, with the schema's defaults.
    await page.getByTestId('training-form-toggle').click()
    await page.getByTestId('training-mode').selectOption('preset')
    expect(await page.getByLabel('Queue training').innerText()).toContain('MALT: G SFT; V SFT → DPO; R SFT → DPO')
    expect(await page.getByLabel('Batch size (paper: 8)').inputValue()).toBe('8')
    await page.screenshot({ path: screenshotPath('training-dpo'), fullPage: true })
    expect(errors).toEqual([])
  })

  it('the Setup page shows the training environment with its packages', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
    await page.goto(`${serve.url}#/setup`)
    const section = page.getByTestId('training-environment')
    await expect.poll(() => section.innerText(), { timeout: 60_000 }).toMatch(/ready/i)
    expect(await page.getByTestId('training-env-packages').innerText()).toMatch(/torch/)
    expect(await section.innerText()).not.toMatch(/not ready/i)
    await section.screenshot({ path: screenshotPath('training-environment') })
  })
})
