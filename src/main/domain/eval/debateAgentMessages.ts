import type { Benchmark } from '@shared/benchmarks'
import type { ChatMessage } from '../agents/types'
import { debateInitialMessages } from '../prompts/debateInitialMessages'
import { debateRoundMessage } from '../prompts/debateRoundMessage'

export interface DebateQuestion {
  question: string
  choices: readonly string[] | null
}

/**
 * One debate agent's own chat history before it answers round `round` (Du et al., `gsm/gen_gsm.py`): the initial
 * prompt, then for each earlier round t < round its own answer of round t and a user message quoting the *other*
 * agents' round-t answers, in agent order. Agents in a round see only the previous round, never each other's answers of
 * the same round, so the order in which a round's agents run cannot leak.
 *
 * @param answerOf the text of an agent's answer in a round (< `round`); throws if it is missing.
 */
export function debateAgentMessages(
  benchmark: Benchmark,
  question: DebateQuestion,
  agents: number,
  agent: number,
  round: number,
  answerOf: (agent: number, round: number) => string
): ChatMessage[] {
  const choices = question.choices ?? undefined
  const messages: ChatMessage[] = [...debateInitialMessages(benchmark, question.question, choices)]
  for (let t = 0; t < round; t++) {
    messages.push({ role: 'assistant', content: answerOf(agent, t) })
    const others: string[] = []
    for (let b = 0; b < agents; b++) if (b !== agent) others.push(answerOf(b, t))
    messages.push(debateRoundMessage(benchmark, question.question, others, choices))
  }
  return messages
}
