import { describe, expect, it } from 'vitest'
import { FailFastGroup } from '../../../../src/main/domain/concurrency/FailFastGroup'

describe('FailFastGroup', () => {
  it('aborts the group at the first failure and throws that failure, not a later one', async () => {
    const group = new FailFastGroup()
    const first = new Error('disk full')
    const run = group.run(async () => {
      group.fail(first)
      group.fail(new Error('aborted because of the first'))
    })
    await expect(run).rejects.toBe(first)
    expect(group.stopped).toBe(true)
    expect(group.signal.reason).toBe(first)
  })

  it('stops when the caller aborts, and returns the work’s result when nothing failed', async () => {
    const outer = new AbortController()
    const group = new FailFastGroup(outer.signal)
    const result = await group.run(async () => {
      expect(group.stopped).toBe(false)
      outer.abort('paused')
      return group.stopped
    })
    expect(result).toBe(true)
    expect(group.signal.reason).toBe('paused')

    const alreadyAborted = new FailFastGroup(outer.signal)
    expect(await alreadyAborted.run(async () => alreadyAborted.stopped)).toBe(true)
  })
})
