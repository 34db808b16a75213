import type { TrainingDataFacts, TrainingPlanFacts } from '@shared/api/schemas/training'

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`

const lines = (list: number[], total: number) =>
  list.length === 0 ? '' : ` (line${list.length === 1 ? '' : 's'} ${list.join(', ')}${total > list.length ? ', …' : ''})`

/**
 * One sentence on what fitting the training data to the max length did (the runner's `data` event): prompts cut from
 * the left, examples left out because their completion alone is too long, and what to change.
 */
export function describeDataFit(facts: TrainingDataFacts): string {
  const parts: string[] = []
  if (facts.promptsTruncated > 0) {
    parts.push(
      `${plural(facts.promptsTruncated, 'prompt')} cut from the left by ${plural(facts.promptTokensRemoved, 'token')} in all` +
        lines(facts.truncatedLines, facts.promptsTruncated)
    )
  }
  if (facts.dropped > 0) {
    parts.push(
      `${plural(facts.dropped, 'example')} left out because the completion alone is longer than ${facts.appliedMaxLength} tokens` +
        lines(facts.droppedLines, facts.dropped)
    )
  }
  if (parts.length === 0) return `every example fits ${facts.appliedMaxLength} tokens (the longest has ${facts.longestTokens})`
  return `${parts.join('; ')}; the longest example has ${facts.longestTokens} tokens: raise the max length to keep them whole`
}

/** One sentence on how each optimizer step ran (the runner's `plan` event). */
export function describePlan(facts: TrainingPlanFacts): string {
  const split =
    facts.gradientAccumulationSteps > 1 || facts.worldSize > 1
      ? `split into ${facts.microBatchSize} examples per pass × ${facts.gradientAccumulationSteps} accumulated${facts.worldSize > 1 ? ` × ${facts.worldSize} processes` : ''}`
      : 'in one pass'
  return (
    `batch of ${facts.effectiveBatchSize} ${split}, ${facts.paddingFree ? 'padding-free' : 'padded'}, ${facts.attention} attention, ` +
    `gradient checkpointing ${facts.gradientCheckpointing ? 'on' : 'off'} (${facts.reason})`
  )
}
