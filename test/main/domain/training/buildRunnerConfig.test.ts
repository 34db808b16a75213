import { describe, expect, it } from 'vitest'
import { trainingOptionsSchema } from '@shared/api/schemas/training'
import { buildRunnerConfig } from '../../../../src/main/domain/training/buildRunnerConfig'

const input = (overrides: Record<string, unknown> = {}) => ({
  stage: 'sft' as const,
  options: trainingOptionsSchema.parse(overrides),
  baseModelPath: '/m/base.gguf',
  trainFile: '/j/train.jsonl',
  outputDir: '/j/output',
  initAdapter: null
})

describe('buildRunnerConfig', () => {
  it('leaves how a step runs to the runner by default, and passes the held-out slice on', () => {
    const config = buildRunnerConfig(input())
    expect(config).toMatchObject({ gradient_checkpointing: 'auto', eval_fraction: 0, early_stopping_patience: null, batch_size: 8 })
    expect(buildRunnerConfig(input({ evalFraction: 0.1, earlyStoppingPatience: 3, gradientCheckpointing: true }))).toMatchObject({
      gradient_checkpointing: true,
      eval_fraction: 0.1,
      early_stopping_patience: 3
    })
  })

  it('keeps the launcher out of the job config (it is how the runner is started, not what it trains)', () => {
    const config = buildRunnerConfig(input({ launcher: 'accelerate', numProcesses: 4 }))
    expect(Object.keys(config).filter((key) => /launch|process/.test(key))).toEqual([])
  })
})
