import { describe, expect, it } from 'vitest'
import type { TrainingDataFacts, TrainingPlanFacts } from '@shared/api/schemas/training'
import { describeDataFit, describePlan } from '@shared/training/describeTrainingFacts'

const fits: TrainingDataFacts = {
  examples: 10,
  kept: 10,
  maxLength: 1024,
  appliedMaxLength: 1024,
  longestTokens: 300,
  promptsTruncated: 0,
  promptTokensRemoved: 0,
  dropped: 0,
  truncatedLines: [],
  droppedLines: [],
  trainExamples: 9,
  evalExamples: 1
}

describe('describeDataFit', () => {
  it('says when nothing was cut', () => {
    expect(describeDataFit(fits)).toBe('every example fits 1024 tokens (the longest has 300)')
  })

  it('names the cut prompts and the examples left out, by line, and what to do', () => {
    const text = describeDataFit({
      ...fits,
      kept: 9,
      appliedMaxLength: 256,
      longestTokens: 900,
      promptsTruncated: 2,
      promptTokensRemoved: 130,
      truncatedLines: [3, 7],
      dropped: 1,
      droppedLines: [5]
    })
    expect(text).toBe(
      '2 prompts cut from the left by 130 tokens in all (lines 3, 7); 1 example left out because the completion alone is ' +
        'longer than 256 tokens (line 5); the longest example has 900 tokens: raise the max length to keep them whole'
    )
  })

  it('marks a list of lines that the runner shortened', () => {
    const lines = Array.from({ length: 20 }, (_, i) => i + 1)
    expect(describeDataFit({ ...fits, dropped: 25, droppedLines: lines })).toContain('20, …)')
  })
})

describe('describePlan', () => {
  const plan: TrainingPlanFacts = {
    effectiveBatchSize: 8,
    microBatchSize: 8,
    gradientAccumulationSteps: 1,
    gradientCheckpointing: false,
    worldSize: 1,
    paddingFree: true,
    attention: 'varlen',
    reason: 'fits without checkpointing'
  }

  it('says how the batch ran', () => {
    expect(describePlan(plan)).toBe('batch of 8 in one pass, padding-free, varlen attention, gradient checkpointing off (fits without checkpointing)')
    expect(describePlan({ ...plan, microBatchSize: 2, gradientAccumulationSteps: 2, worldSize: 2, paddingFree: false, attention: 'sdpa' })).toBe(
      'batch of 8 split into 2 examples per pass × 2 accumulated × 2 processes, padded, sdpa attention, gradient checkpointing off (fits without checkpointing)'
    )
  })
})
