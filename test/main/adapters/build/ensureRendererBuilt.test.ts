import { mkdirSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { rendererBuildIsStale } from '../../../../src/main/adapters/build/ensureRendererBuilt'
import { makeTempDir } from '../../../support/paths'

/** Serve mode must never hand a browser an old UI after the renderer's sources changed. */
describe('rendererBuildIsStale', () => {
  let temp: ReturnType<typeof makeTempDir> | undefined
  afterEach(() => temp?.cleanup())

  const touch = (path: string, secondsAgo: number) => {
    const time = new Date(Date.now() - secondsAgo * 1000)
    utimesSync(path, time, time)
  }

  it('is stale when the build is missing or older than a renderer or shared source, and fresh otherwise', () => {
    temp = makeTempDir()
    const root = temp.dir
    mkdirSync(join(root, 'src', 'renderer', 'src', 'features'), { recursive: true })
    mkdirSync(join(root, 'src', 'shared'), { recursive: true })
    const page = join(root, 'src', 'renderer', 'src', 'features', 'Page.tsx')
    const contract = join(root, 'src', 'shared', 'api.ts')
    writeFileSync(page, 'export {}')
    writeFileSync(contract, 'export {}')
    expect(rendererBuildIsStale(root)).toBe(true)

    mkdirSync(join(root, 'out', 'renderer'), { recursive: true })
    const index = join(root, 'out', 'renderer', 'index.html')
    writeFileSync(index, '<!doctype html>')
    for (const path of [page, contract, join(root, 'src', 'renderer', 'src', 'features'), join(root, 'src', 'renderer', 'src'), join(root, 'src', 'renderer'), join(root, 'src', 'shared')]) touch(path, 60)
    touch(index, 30)
    expect(rendererBuildIsStale(root)).toBe(false)

    touch(contract, 10)
    expect(rendererBuildIsStale(root)).toBe(true)
    touch(contract, 60)
    touch(page, 5)
    expect(rendererBuildIsStale(root)).toBe(true)
  })

  it('is never stale in an installed app, which has a build and no sources', () => {
    temp = makeTempDir()
    mkdirSync(join(temp.dir, 'out', 'renderer'), { recursive: true })
    writeFileSync(join(temp.dir, 'out', 'renderer', 'index.html'), '<!doctype html>')
    expect(rendererBuildIsStale(temp.dir)).toBe(false)
  })
})
