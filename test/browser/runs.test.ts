import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, openPage, screenshotPath, startServe } from '../support/browser'
import type { ServeProcess } from '../support/browser'
import { makeTempDir, repoRoot, sharedDataDir, sharedDataFile } from '../support/paths'
import { seedRun } from '../support/seedRun'

/**
 * The Runs page over `malt serve` on a database that holds:
 * - a real run: `malt generate` on the tiny random GGUF (3 GSM8K questions, n = 3, 16 tokens per output). Its texts
 *   are noise and nearly every answer is wrong, so it shows the real pipeline but not much credit structure;
 * - a scripted run (`seedRun`: the same TreeSearchService with a stand-in model that is right about half the time),
 *   whose mixed values make θ and pooling visibly matter;
 * - a partly done scripted run, paused after 200 nodes, so the list has a run to resume.
 * Only while the node-llama-cpp agent host is not wired (generate fails with "not wired yet") is the scripted run
 * explored in place of the real one.
 */

const tinyModel = join(repoRoot, '.models', 'tiny', 'tiny-llama.gguf')
const branching = 3
const nodesPerQuestion = branching + branching ** 2 + branching ** 3

interface ExploredRun {
  source: string
  runId: number
  questions: number
  /** Text the run's name contains. */
  name: string
}

async function malt(args: string[]): Promise<{ code: number; output: string }> {
  const tsx = join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs')
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [tsx, '--tsconfig', 'tsconfig.node.json', 'src/main/cli/main.ts', ...args], {
      cwd: repoRoot,
      env: { ...process.env, MALT_DATA_DIR: sharedDataDir() },
      timeout: 170_000,
      maxBuffer: 16 * 1024 * 1024
    })
    return { code: 0, output: stdout + stderr }
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string }
    return { code: typeof failed.code === 'number' ? failed.code : 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` }
  }
}

/** A real run through the CLI; null only while the agent host is not wired (any other failure fails the test). */
async function generateRealRun(databasePath: string): Promise<ExploredRun | null> {
  const imported = await malt(['import', '--db', databasePath, '--format', 'gsm8k', '--file', sharedDataFile('gsm8k/test.jsonl'), '--name', 'gsm8k'])
  expect(imported.code, imported.output).toBe(0)
  if (!existsSync(tinyModel)) throw new Error(`tiny test model missing at ${tinyModel}: run npm run models:test`)
  const generated = await malt([
    'generate', '--db', databasePath, '--model', tinyModel, '--dataset', 'gsm8k', '--split', 'test',
    '--limit', '3', '--branching', String(branching), '--max-tokens', '16', '--seed', '0', '--name', 'tiny real run'
  ])
  if (generated.code !== 0 && /agent host is not wired yet/.test(generated.output)) return null
  expect(generated.code, generated.output).toBe(0)
  const runId = Number(generated.output.trim().split('\n').filter((line) => /^\d+$/.test(line.trim())).at(-1))
  return { source: 'malt generate on the tiny GGUF', runId, questions: 3, name: 'tiny real run' }
}

/** Whitespace collapsed, as a table cell shows it. */
const squash = (text: string) => text.replace(/\s+/g, ' ').trim()

/** The texts of the value pills in the open tree, e.g. `V 0.67 ✓`. */
const valuePills = (page: Page) => page.getByTestId('tree-explorer').getByTestId('node-value').allInnerTexts()

describe('Runs page in Chromium over serve mode', () => {
  let temp: ReturnType<typeof makeTempDir>
  let serve: ServeProcess
  let browser: Browser
  let explored: ExploredRun
  let scripted: ExploredRun
  let partialRunId: number

  beforeAll(async () => {
    temp = makeTempDir()
    const databasePath = join(temp.dir, 'w.sqlite')
    const real = await generateRealRun(databasePath)
    const seeded = await seedRun({ databasePath, limit: 24, branching, name: 'scripted run' })
    expect(seeded.status).toBe('completed')
    scripted = { source: 'seedRun (scripted stand-in model)', runId: seeded.runId, questions: 24, name: 'scripted run' }
    explored = real ?? scripted
    const partial = await seedRun({ databasePath, limit: 12, seed: 1, branching, pauseAfterNodes: 200, name: 'partial scripted run' })
    expect(partial.status).toBe('paused')
    partialRunId = partial.runId
    console.info(`runs.test: exploring run ${explored.runId} from ${explored.source}${real ? '' : ' (the agent host is not wired yet)'}`)
    serve = await startServe(['--db', databasePath], { MALT_DATA_DIR: sharedDataDir() })
    browser = await launchChromium()
  }, 300_000)
  afterAll(async () => {
    await browser?.close()
    const code = await serve?.stop()
    expect(code).toBe(0)
    temp?.cleanup()
  })

  async function openRun(run: ExploredRun, viewport = { width: 1400, height: 1000 }): Promise<{ page: Page; errors: string[] }> {
    const { page, errors } = await openPage(browser, `${serve.url}#/runs`, { viewport, acceptDownloads: true, consoleErrors: true })
    await page.getByTestId(`run-${run.runId}`).getByRole('button', { name: new RegExp(`#${run.runId} ·`) }).click()
    await expect.poll(() => page.getByTestId('run-title').innerText()).toBe(run.name)
    return { page, errors }
  }

  it('lists the runs with progress and stage accuracies, and summarises the selected one with charts', async () => {
    const { page, errors } = await openRun(explored, { width: 1400, height: 2300 })
    for (const run of new Set([explored, scripted])) {
      const nodes = run.questions * nodesPerQuestion
      const row = page.getByTestId(`run-${run.runId}`)
      await expect.poll(() => row.getByTestId('run-progress-text').innerText()).toBe(`${nodes}/${nodes} nodes · ${run.questions}/${run.questions} questions`)
      expect(await row.innerText()).toMatch(/completed/i)
      expect(await row.innerText()).toMatch(/G \d+%\s+V (\d+%|—)\s+R \d+%/)
      expect(await row.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100')
    }

    // The partly done run shows where it stopped and offers Resume.
    const partialRow = page.getByTestId(`run-${partialRunId}`)
    expect(await partialRow.getByTestId('run-progress-text').innerText()).toMatch(/^200\/468 nodes · \d+\/12 questions$/)
    expect(await partialRow.innerText()).toMatch(/paused/i)
    await partialRow.getByRole('button', { name: 'Resume' }).waitFor()

    const nodes = explored.questions * nodesPerQuestion
    expect(await page.getByTestId('stat-questions').innerText()).toContain(`${explored.questions} / ${explored.questions}`)
    expect(await page.getByTestId('stat-nodes').innerText()).toContain(`${nodes} / ${nodes}`)
    expect(await page.getByTestId('run-config').innerText()).toContain('T = 0.3')
    const chartTexts: Record<string, RegExp> = {
      'chart-stage-accuracy': /Generator[\s\S]*Verifier[\s\S]*Refiner/,
      'chart-flips': /g → v[\s\S]*g → r[\s\S]*wrong → right[\s\S]*right → wrong/,
      'chart-training-sets': /SFT examples[\s\S]*DPO pairs/,
      'chart-pair-share': /\d+\.\d%/
    }
    for (const [chart, text] of Object.entries(chartTexts)) {
      await page.getByTestId(chart).locator('svg.recharts-surface').first().waitFor()
      await expect.poll(() => page.getByTestId(chart).innerText(), { message: chart }).toMatch(text)
    }
    await page.screenshot({ path: screenshotPath('runs-overview') })
    await page.locator('.run-charts').screenshot({ path: screenshotPath('runs-charts') })
    expect(errors).toEqual([])
  })

  it('filters the questions, opens a tree and shows a refiner’s full text and prompt', async () => {
    const { page, errors } = await openRun(explored, { width: 1400, height: 1800 })
    const table = page.getByRole('table', { name: 'Run questions' })
    await expect.poll(() => page.getByTestId('questions-shown').innerText()).toBe(`${explored.questions} shown`)

    // A finished run has no incomplete question.
    await page.getByTestId('outcome-filter').selectOption('incomplete')
    await expect.poll(() => page.getByTestId('questions-shown').innerText()).toBe('0 shown')
    await page.getByText('No question of this run matches “Incomplete”').waitFor()
    await page.getByTestId('outcome-filter').selectOption('all')
    await expect.poll(() => page.getByTestId('questions-shown').innerText()).toBe(`${explored.questions} shown`)

    // Open the second question's tree: its text and gold answer head the explorer, and it has all 39 nodes.
    const second = table.locator('[role="row"][aria-rowindex="2"]')
    const questionStart = squash(await second.getByRole('cell').nth(1).innerText()).slice(0, 40)
    await second.click()
    await expect.poll(async () => squash(await page.getByTestId('tree-question').innerText())).toContain(questionStart)
    await expect.poll(() => page.getByTestId('tree-explorer').locator('.tree-node').count()).toBe(nodesPerQuestion)
    expect(await page.getByTestId('tree-totals').innerText()).toContain(`${nodesPerQuestion}/${nodesPerQuestion} nodes`)
    expect(await page.getByTestId('tree-gold').innerText()).toMatch(/\d/)

    // A refiner leaf opens its full output and the chat messages that prompted it.
    await page.getByTestId('node-1.2.0').click()
    const panel = page.getByTestId('node-panel')
    await expect.poll(() => panel.innerText()).toContain('R2.3.1')
    await panel.getByTestId('node-text').waitFor()
    // The grader's verdict in words (a tiny random model's output often holds no answer at all).
    expect((await panel.getByTestId('grading-note').innerText()).length).toBeGreaterThan(0)
    const prompt = panel.getByTestId('node-prompt')
    expect(await prompt.locator('li').count()).toBeGreaterThanOrEqual(2)
    expect(squash(await prompt.innerText())).toContain(questionStart)
    await page.locator('.tree-workspace').screenshot({ path: screenshotPath('runs-tree-refiner') })

    // Collapsing a generation hides its 12 descendants and summarises them.
    await page.getByTestId('generation-0').getByRole('button', { name: 'Collapse G1' }).click()
    await expect.poll(() => page.getByTestId('tree-explorer').locator('.tree-node').count()).toBe(nodesPerQuestion - branching - branching ** 2)
    expect(await page.getByTestId('generation-0').innerText()).toContain(`${branching} verifications · ${branching ** 2} refinements`)
    expect(errors).toEqual([])
  })

  it('recomputes labels, pairs and values for θ and pooling without regenerating anything', async () => {
    const { page, errors } = await openRun(scripted, { width: 1400, height: 1800 })
    // The scripted run has questions where a wrong generation is refined right.
    await page.getByTestId('outcome-filter').selectOption('generator-wrong-refined-right')
    await expect.poll(() => page.getByTestId('questions-shown').innerText()).toMatch(/^\d+ shown$/)
    const rescued = Number((await page.getByTestId('questions-shown').innerText()).split(' ')[0])
    expect(rescued).toBeGreaterThan(0)
    expect(rescued).toBeLessThanOrEqual(scripted.questions)
    await page.getByRole('table', { name: 'Run questions' }).locator('[role="row"][aria-rowindex="1"]').click()
    await expect.poll(() => page.getByTestId('tree-explorer').locator('.tree-node').count()).toBe(nodesPerQuestion)

    // A refiner's output with the grader's extraction: the answer's text marked, and where it came from and why.
    await page.getByTestId('node-1.2.0').click()
    const panel = page.getByTestId('node-panel')
    await panel.getByTestId('node-text').waitFor()
    expect(await panel.getByTestId('node-text').locator('mark.extracted-answer').innerText()).toMatch(/^\d+$/)
    expect(await panel.getByTestId('grading-note').innerText()).toMatch(/^from the Final Answer line · (equal as numbers|\d+ is not \d+)$/)
    await panel.getByRole('button', { name: 'Close node' }).click()

    // Move θ across the first fractional value in the tree: that node's label must flip; values stay.
    const before = await valuePills(page)
    const trainingBefore = await page.getByTestId('chart-training-sets').innerText()
    const fractional = before.map((text) => Number(text.split(' ')[1])).filter((value) => value > 0 && value < 1)
    expect(fractional.length, before.join(' | ')).toBeGreaterThan(0)
    const pivot = fractional[0]!
    const steps = pivot <= 0.5 ? -Math.ceil((0.5 - pivot + 1e-9) / 0.05) : Math.ceil((pivot - 0.5 - 1e-9) / 0.05)
    await page.getByTestId('theta').focus()
    for (let i = 0; i < Math.abs(steps); i++) await page.keyboard.press(steps < 0 ? 'ArrowLeft' : 'ArrowRight')
    await expect.poll(() => page.getByTestId('theta-value').innerText()).toBe((0.5 + 0.05 * steps).toFixed(2))
    await expect.poll(() => valuePills(page)).not.toEqual(before)
    await expect.poll(() => page.getByTestId('chart-training-sets').innerText()).not.toBe(trainingBefore)
    const afterTheta = await valuePills(page)
    expect(afterTheta.map((text) => text.split(' ')[1])).toEqual(before.map((text) => text.split(' ')[1]))

    // Local pooling: a generation's value becomes the share of its ✓ verifications, so its value changes.
    await page.getByTestId('pooling-local').check()
    await expect.poll(async () => (await valuePills(page)).map((text) => text.split(' ')[1])).not.toEqual(afterTheta.map((text) => text.split(' ')[1]))
    await page.locator('.tree-workspace').screenshot({ path: screenshotPath('runs-tree-local-pooling') })
    await page.locator('.run-charts').screenshot({ path: screenshotPath('runs-charts-local-pooling') })
    expect(errors).toEqual([])
  })

  it('exports the tree and a role’s SFT set and DPO pairs as JSONL downloads with the reported line counts', async () => {
    const download = async (page: Page, testId: string) => {
      const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()])
      const content = readFileSync((await file.path())!, 'utf8')
      const lines = content.split('\n').filter((line) => line.trim()).length
      await expect.poll(() => page.getByTestId('export-result').innerText()).toContain(file.suggestedFilename())
      const shown = Number((await page.getByTestId('export-result').innerText()).match(/([\d,]+) lines/)![1]!.replace(/,/g, ''))
      return { name: file.suggestedFilename(), lines, shown, content }
    }

    const { page, errors } = await openRun(explored)
    const tree = await download(page, 'export-tree')
    expect(tree.name).toBe(`run-${explored.runId}-tree.jsonl`)
    expect(tree.lines).toBe(explored.questions * nodesPerQuestion)
    expect(tree.shown).toBe(tree.lines)
    const sft = await download(page, 'export-sft-refiner')
    expect(sft.name).toBe(`run-${explored.runId}-sft-refiner.jsonl`)
    expect(sft.lines).toBe(sft.shown)

    const scriptedPage = explored === scripted ? page : (await openRun(scripted)).page
    const dpo = await download(scriptedPage, 'export-dpo-verifier')
    expect(dpo.name).toBe(`run-${scripted.runId}-dpo-verifier.jsonl`)
    expect(dpo.lines).toBeGreaterThan(0)
    expect(dpo.lines).toBe(dpo.shown)
    expect(JSON.parse(dpo.content.split('\n')[0]!)).toHaveProperty('chosen')
    await scriptedPage.locator('.export-bar').screenshot({ path: screenshotPath('runs-export') })
    expect(errors).toEqual([])
  })

  it('starts a run from the New run form, shows it live, pauses and resumes it', async () => {
    const { page, errors } = await openRun(explored)
    await page.getByTestId('new-run-toggle').click()
    await expect.poll(() => page.getByTestId('new-run-tree-size').innerText()).toContain('n + n² + n³ = 3 + 9 + 27 = 39 nodes per question')

    // Without a model and without a default one, the service says so and nothing is created.
    await page.getByTestId('new-run-model').fill('')
    await page.getByTestId('new-run-split').selectOption('test')
    await page.getByTestId('new-run-limit').fill('1')
    await page.getByTestId('new-run-branching').fill('1')
    await expect.poll(() => page.getByTestId('new-run-tree-size').innerText()).toContain('= 3 nodes per question')
    await page.getByTestId('new-run-max-tokens').fill('8')
    await page.getByTestId('new-run-submit').click()
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('no model given')
    await page.getByRole('region', { name: 'New run' }).screenshot({ path: screenshotPath('runs-new-run-error') })
    const runsBefore = await page.locator('.run-row').count()

    // A real run on the tiny model: 2 questions × (2 + 4 + 8) nodes, watched live, paused and resumed.
    await page.getByTestId('new-run-model').fill(tinyModel)
    await page.getByTestId('new-run-limit').fill('2')
    await page.getByTestId('new-run-branching').fill('2')
    await page.getByTestId('new-run-max-tokens').fill('12')
    await page.getByTestId('new-run-submit').click()
    await expect.poll(() => page.locator('.run-row').count(), { timeout: 15_000 }).toBe(runsBefore + 1)
    const newest = page.locator('.run-row').first()
    const nodesDone = async () => Number((await newest.getByTestId('run-progress-text').innerText()).split('/')[0])
    await expect.poll(async () => ((await nodesDone()) > 0 ? 'live' : /failed/i.test(await newest.innerText()) ? 'failed' : 'waiting'), { timeout: 90_000 }).not.toBe('waiting')
    if (/failed/i.test(await newest.innerText())) {
      // Only while the agent host is not wired: the failure and its reason are shown.
      expect(await newest.innerText()).toMatch(/failed: .+/)
    } else {
      if (/running/i.test(await newest.innerText())) {
        // Live figures come from job.updated events: rate and ETA in the row, tokens/s in the summary.
        await expect.poll(() => newest.innerText()).toMatch(/nodes\/s[\s\S]*ETA/)
        await expect.poll(() => page.getByTestId('stat-speed').innerText()).toMatch(/nodes\/s/)
        await page.screenshot({ path: screenshotPath('runs-live') })
        await newest.getByRole('button', { name: 'Pause' }).click()
        await expect.poll(() => newest.innerText(), { timeout: 30_000 }).toMatch(/paused|completed/i)
      }
      if (/paused/i.test(await newest.innerText())) {
        const pausedAt = await nodesDone()
        expect(pausedAt).toBeLessThan(28)
        await newest.getByRole('button', { name: 'Resume' }).click()
      }
      await expect.poll(() => newest.innerText(), { timeout: 150_000 }).toMatch(/completed/i)
      expect(await newest.getByTestId('run-progress-text').innerText()).toBe('28/28 nodes · 2/2 questions')
    }
    await page.locator('.run-list').screenshot({ path: screenshotPath('runs-list-after-new-run') })
    // The refused create above is an HTTP 400, which Chromium logs as a console error; nothing else may be.
    expect(errors.filter((error) => !/status of 400 \(Bad Request\)/.test(error))).toEqual([])
  }, 300_000)
})
