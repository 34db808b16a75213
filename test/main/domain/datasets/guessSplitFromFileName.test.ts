import { describe, expect, it } from 'vitest'
import { guessSplitFromFileName } from '../../../../src/main/domain/datasets/guessSplitFromFileName'

describe('guessSplitFromFileName', () => {
  it.each([
    ['train.jsonl', 'train'],
    ['gsm8k/test.jsonl', 'test'],
    ['math500_test.jsonl', 'test'],
    ['dev_rand_split.jsonl', 'dev'],
    ['validation.jsonl', 'dev'],
    ['latest.jsonl', 'train'],
    ['templates_symbolic.jsonl', 'train']
  ])('%s → %s', (file, split) => {
    expect(guessSplitFromFileName(file)).toBe(split)
  })
})
