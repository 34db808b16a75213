import type { Benchmark } from '@shared/benchmarks'
import type { ChatMessage } from '../agents/types'
import { requireChoices } from './debateInitialMessages'

/**
 * The user message for one agent in a debate round after the first: the other agents' latest answers, each
 * in a fenced block, then the request for an updated answer (strings from Du et al.; see
 * `debateInitialMessages`). With no other agents it is the reference code's single-agent self-reflection
 * prompt. The csqa (MMLU) round message does not repeat the question, as in the reference code; `question`
 * and `choices` are taken for symmetry and checked.
 *
 * One fix: the reference GSM self-reflection string is never `.format`-ed, so it literally asks for
 * `\boxed{{answer}}`; here it asks for `\boxed{answer}` like every other prompt.
 */
export function debateRoundMessage(
  benchmark: Benchmark,
  question: string,
  otherAgentAnswers: readonly string[],
  choices?: readonly string[]
): ChatMessage {
  if (benchmark === 'csqa') requireChoices(choices)
  const answerForm =
    benchmark === 'gsm8k'
      ? 'a single numerical number, in the form \\boxed{answer}'
      : benchmark === 'math'
        ? 'in the form \\boxed{answer}'
        : null

  if (otherAgentAnswers.length === 0) {
    return {
      role: 'user',
      content:
        answerForm === null
          ? 'Can you double check that your answer is correct. Put your final answer in the form (X) at the end of your response.'
          : `Can you double check that your answer is correct. Please reiterate your answer, with your final answer ${answerForm}.`
    }
  }

  const solutions = otherAgentAnswers.map((answer) => `\n\n One agent solution: \`\`\`${answer}\`\`\``).join('')
  const request =
    answerForm === null
      ? '\n\n Using the reasoning from other agents as additional advice, can you give an updated answer? Examine your solution and that other agents step by step. Put your answer in the form (X) at the end of your response.'
      : `\n\n Using the solutions from other agents as additional information, can you provide your answer to the math problem? \n The original math problem is ${question}. Your final answer should be ${answerForm}, at the end of your response.`
  return { role: 'user', content: `These are the solutions to the problem from other agents: ${solutions}${request}` }
}
