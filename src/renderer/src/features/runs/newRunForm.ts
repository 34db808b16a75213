import type { CreateRunInput } from '@shared/api/schemas/runs'

/** The New run form's fields as typed (strings), with the paper's defaults (App. A.9: temperature 0.3, n = 3). */
export interface NewRunFields {
  name: string
  datasetId: string
  split: string
  limit: string
  branching: string
  seed: string
  temperature: string
  topP: string
  maxTokens: string
  questionConcurrency: string
  modelPath: string
}

export const defaultNewRunFields: NewRunFields = {
  name: '',
  datasetId: '',
  split: '',
  limit: '100',
  branching: '3',
  seed: '0',
  temperature: '0.3',
  topP: '1',
  maxTokens: '512',
  questionConcurrency: '4',
  modelPath: ''
}

export function nodesPerQuestion(branching: number): number {
  return branching + branching ** 2 + branching ** 3
}

/** `3 + 9 + 27 = 39 nodes per question`. */
export function describeTreeSize(branching: number): string {
  if (!Number.isInteger(branching) || branching < 1) return 'n must be a whole number from 1 to 8'
  return `n + n² + n³ = ${branching} + ${branching ** 2} + ${branching ** 3} = ${nodesPerQuestion(branching)} nodes per question`
}

/** The request for `runs.create`; fields left empty use the service's defaults (limit: all questions). */
export function toCreateRunInput(fields: NewRunFields): CreateRunInput {
  const number = (text: string) => Number(text.trim())
  return {
    datasetId: number(fields.datasetId),
    split: fields.split,
    limit: fields.limit.trim() ? number(fields.limit) : null,
    subsetSeed: number(fields.seed),
    branching: number(fields.branching),
    seed: number(fields.seed),
    sampling: { temperature: number(fields.temperature), topP: number(fields.topP), maxTokens: number(fields.maxTokens) },
    questionConcurrency: number(fields.questionConcurrency),
    ...(fields.name.trim() ? { name: fields.name.trim() } : {}),
    ...(fields.modelPath.trim() ? { modelPath: fields.modelPath.trim() } : {}),
    start: true
  }
}
