import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, openPage, screenshotPath, startServe } from '../support/browser'
import type { ServeProcess } from '../support/browser'
import { startLlamaServer } from '../support/llamaServer'
import { tinyLoraPath, tinyModelPath } from '../support/models'
import { makeTempDir } from '../support/paths'

describe('Setup page in Chromium over serve mode', () => {
  let temp: ReturnType<typeof makeTempDir>
  let serve: ServeProcess
  let browser: Browser

  beforeAll(async () => {
    temp = makeTempDir()
    // A stand-in for the NVIDIA driver's nvidia-smi (the process boundary the GPU monitor crosses): one H200, half full.
    const bin = join(temp.dir, 'bin')
    mkdirSync(bin)
    writeFileSync(join(bin, 'nvidia-smi'), '#!/bin/sh\necho "0, NVIDIA H200, 143771, 70311, 97, 58"\n')
    chmodSync(join(bin, 'nvidia-smi'), 0o755)
    serve = await startServe(['--db', join(temp.dir, 'w.sqlite')], { PATH: `${bin}:${process.env.PATH ?? ''}` })
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
    temp?.cleanup()
  })

  it('adds a GGUF model, shows its facts and the backend, and reports a failed download', async () => {
    const { page, errors } = await openPage(browser, `${serve.url}#/setup`, { viewport: { width: 1400, height: 1000 } })
    await expect.poll(() => page.getByTestId('backend').innerText(), { timeout: 60_000 }).toMatch(/CPU, \d+ threads/)

    await page.getByTestId('model-path').fill(tinyModelPath())
    await page.getByTestId('model-add').click()
    const facts = page.getByLabel('Model facts')
    await expect.poll(() => facts.innerText(), { timeout: 60_000 }).toContain('llama')
    const text = await facts.innerText()
    expect(text).toMatch(/Context length\s+4,096 tokens/)
    expect(text).toMatch(/from the GGUF/)
    expect(text).toMatch(/CPU · \d+ threads/)
    expect(await page.getByRole('radio', { name: /Use malt-tiny-llama/ }).isChecked()).toBe(true)

    // The GPU section: what llama.cpp offloads of the default model, and the GPUs nvidia-smi reads.
    const gpu = page.getByTestId('gpu-facts')
    await expect.poll(() => gpu.innerText(), { timeout: 30_000 }).toMatch(/NVIDIA GPUs\s+0: NVIDIA H200, 140\.40 GiB \(68\.66 GiB in use\)/)
    expect(await gpu.innerText()).toMatch(/Offloaded\s+none: malt-tiny-llama runs on the CPU/)

    await page.getByTestId('model-path').fill('/nonexistent/model.gguf')
    await page.getByTestId('model-add').click()
    await expect.poll(() => page.getByRole('alert').first().innerText()).toContain('/nonexistent/model.gguf: no such file')

    // No hub is reachable here: the first-run download must fail quickly and say why.
    await page.getByTestId('model-download').click()
    await expect.poll(() => page.locator('main').innerText(), { timeout: 60_000 }).toContain('Download failed')
    expect(await page.locator('main').innerText()).toContain('cannot download hf:Qwen/Qwen2.5-1.5B-Instruct-GGUF:Q4_K_M')

    await page.screenshot({ path: screenshotPath('setup-model'), fullPage: true })
    expect(errors).toEqual([])
  })

  it('adds an inference endpoint, checks it against a real llama-server, refuses a bad one in words, and removes it', async () => {
    const llama = await startLlamaServer({ model: tinyModelPath(), loras: [tinyLoraPath('a'), tinyLoraPath('b')], parallel: 1 })
    try {
      const { page, errors } = await openPage(browser, `${serve.url}#/setup`, { viewport: { width: 1400, height: 1200 } })
      const section = page.getByTestId('endpoints')
      await section.getByTestId('endpoint-name').fill('tiny-server')
      await section.getByTestId('endpoint-url').fill(llama.baseUrl)
      await section.getByTestId('endpoint-model').fill('tiny')
      await section.getByTestId('endpoint-lora-style').selectOption('llama-server')
      await section.getByTestId('endpoint-adapter-verifier').fill('1')
      await section.getByTestId('endpoint-add').click()
      const row = section.getByTestId('endpoint-row-tiny-server')
      await expect.poll(() => row.innerText(), { timeout: 30_000 }).toContain('endpoint:tiny-server')
      expect(await row.innerText()).toMatch(/verifier:\s*1/)

      await section.getByTestId('endpoint-check-tiny-server').click()
      const result = section.getByTestId('endpoint-check-result-tiny-server')
      await expect.poll(() => result.innerText(), { timeout: 60_000 }).toMatch(/tiny-server:\s*(not )?ready/i)
      const checked = await result.innerText()
      expect(checked).toMatch(/tiny-server:\s*ready/i)
      expect(checked).toContain('tiny-lora-b.gguf')
      expect(checked).toMatch(/prompt \+ \d+ generated tokens/)
      await page.screenshot({ path: screenshotPath('setup-endpoint'), fullPage: true })

      // A llama-server adapter must be an id: the form says which field is wrong and why.
      await section.getByTestId('endpoint-name').fill('bad')
      await section.getByTestId('endpoint-url').fill(llama.baseUrl)
      await section.getByTestId('endpoint-model').fill('tiny')
      await section.getByTestId('endpoint-lora-style').selectOption('llama-server')
      await section.getByTestId('endpoint-adapter-refiner').fill('malt-r')
      await section.getByTestId('endpoint-add').click()
      await expect.poll(() => section.getByRole('alert').innerText()).toContain("roleAdapters.refiner")
      expect(await section.getByRole('alert').innerText()).toContain("'malt-r' is not such a number")

      await row.getByRole('button', { name: 'Remove' }).click()
      await expect.poll(() => section.getByTestId('endpoint-row-tiny-server').count()).toBe(0)
      expect(errors).toEqual([])
    } finally {
      await llama.stop()
    }
  })
})
