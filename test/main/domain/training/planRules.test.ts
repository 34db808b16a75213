import { describe, expect, it } from 'vitest'
import type { TrainingJobStatus } from '@shared/api/schemas/training'
import { planStatusOf } from '../../../../src/main/domain/training/planStatusOf'
import { dpoSkipReason, stepsToSkip, type PlanStep } from '../../../../src/main/domain/training/stepsToSkip'

/**
 * The plan rules on hand-made steps: the MALT preset is G SFT (1), V SFT (2), V DPO (3, from 2), R SFT (4), R DPO (5,
 * from 4), with ids equal to their order.
 */
function maltPlan(statuses: TrainingJobStatus[]): PlanStep[] {
  const shape: Omit<PlanStep, 'status'>[] = [
    { id: 1, planOrder: 0, dependsOnJobId: null, role: 'generator', stage: 'sft' },
    { id: 2, planOrder: 1, dependsOnJobId: null, role: 'verifier', stage: 'sft' },
    { id: 3, planOrder: 2, dependsOnJobId: 2, role: 'verifier', stage: 'dpo' },
    { id: 4, planOrder: 3, dependsOnJobId: null, role: 'refiner', stage: 'sft' },
    { id: 5, planOrder: 4, dependsOnJobId: 4, role: 'refiner', stage: 'dpo' }
  ]
  return shape.map((step, index) => ({ ...step, status: statuses[index]! }))
}

describe('stepsToSkip', () => {
  it('with continueOnFailure, skips only the DPO step that starts from the failed SFT step', () => {
    const steps = maltPlan(['completed', 'failed', 'queued', 'queued', 'queued'])
    expect(stepsToSkip(steps[1]!, true, steps)).toEqual([{ id: 3, reason: 'its SFT step (job 2) failed' }])
  })

  it('without it, skips every later pending step, naming the failed step', () => {
    const steps = maltPlan(['failed', 'queued', 'queued', 'queued', 'created'])
    const stop = 'step 1 (job 1, generator SFT) failed and this plan stops at a failure'
    expect(stepsToSkip(steps[0]!, false, steps)).toEqual([2, 3, 4, 5].map((id) => ({ id, reason: stop })))
  })

  it('names the step a DPO step needed when that is why it is skipped', () => {
    const steps = maltPlan(['completed', 'failed', 'queued', 'queued', 'queued'])
    expect(stepsToSkip(steps[1]!, false, steps)).toEqual([
      { id: 3, reason: 'its SFT step (job 2) failed' },
      { id: 4, reason: 'step 2 (job 2, verifier SFT) failed and this plan stops at a failure' },
      { id: 5, reason: 'step 2 (job 2, verifier SFT) failed and this plan stops at a failure' }
    ])
  })

  it('a skipped or cancelled SFT step skips its DPO step in turn; running and ended steps are left alone', () => {
    const skipped = maltPlan(['completed', 'completed', 'completed', 'skipped', 'queued'])
    expect(stepsToSkip(skipped[3]!, true, skipped)).toEqual([{ id: 5, reason: 'its SFT step (job 4) was skipped' }])
    const cancelled = maltPlan(['cancelled', 'running', 'failed', 'queued', 'queued'])
    expect(stepsToSkip(cancelled[0]!, false, cancelled).map((skip) => skip.id)).toEqual([4, 5])
    expect(stepsToSkip(cancelled[0]!, false, cancelled)[0]!.reason).toBe('step 1 (job 1, generator SFT) was cancelled and this plan stops at a failure')
  })

  it('skips nothing after a completed step', () => {
    const steps = maltPlan(['completed', 'queued', 'queued', 'queued', 'queued'])
    expect(stepsToSkip(steps[0]!, false, steps)).toEqual([])
  })
})

describe('dpoSkipReason', () => {
  it('lets a DPO step start only from a completed SFT step that left an adapter', () => {
    expect(dpoSkipReason({ id: 2, status: 'completed' }, '/jobs/job-2/output/adapter')).toBeNull()
    expect(dpoSkipReason({ id: 2, status: 'completed' }, null)).toBe('its SFT step (job 2) left no adapter')
    expect(dpoSkipReason({ id: 2, status: 'cancelled' }, null)).toBe('its SFT step (job 2) was cancelled')
  })
})

describe('planStatusOf', () => {
  it.each([
    [['completed', 'running', 'queued'], 'running'],
    [['completed', 'queued', 'created'], 'queued'],
    [['created', 'created'], 'created'],
    [['completed', 'completed'], 'completed'],
    [['completed', 'skipped'], 'failed'],
    [['failed', 'cancelled'], 'failed'],
    [['completed', 'cancelled'], 'cancelled']
  ] as [TrainingJobStatus[], string][])('%j → %s', (statuses, expected) => {
    expect(planStatusOf(statuses)).toBe(expected)
  })
})
