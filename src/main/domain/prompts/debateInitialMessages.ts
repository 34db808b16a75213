import type { Benchmark } from '@shared/benchmarks'
import { AppError } from '@shared/errors'
import type { ChatMessage } from '../agents/types'
import { choiceLabel } from './formatChoices'

/*
 * Prompts of the multi-agent debate baseline (Du et al. 2024; composable-models/llm_multiagent_debate,
 * `gsm/gen_gsm.py` and `mmlu/gen_mmlu.py`), reproduced string for string, including their spacing.
 * - gsm8k: the GSM strings verbatim.
 * - math: the GSM strings, asking for "your final answer … in the form \boxed{answer}" without "a single
 *   numerical number", since MATH answers are often expressions, intervals or tuples.
 * - csqa: the MMLU strings with five options A)–E) instead of four; answers come back as `(X)`.
 * The graders read `\boxed{}` (gsm8k, math) and `(X)` (csqa) as fallbacks for exactly these formats.
 */

/** The first user message every debate agent gets (round 0). */
export function debateInitialMessages(
  benchmark: Benchmark,
  question: string,
  choices?: readonly string[]
): ChatMessage[] {
  switch (benchmark) {
    case 'gsm8k':
      return [
        {
          role: 'user',
          content: `Can you solve the following math problem? ${question} Explain your reasoning. Your final answer should be a single numerical number, in the form \\boxed{answer}, at the end of your response. `
        }
      ]
    case 'math':
      return [
        {
          role: 'user',
          content: `Can you solve the following math problem? ${question} Explain your reasoning. Your final answer should be in the form \\boxed{answer}, at the end of your response. `
        }
      ]
    case 'csqa': {
      const options = requireChoices(choices)
        .map((text, i) => `${choiceLabel(i)}) ${text}`)
        .join(', ')
      return [
        {
          role: 'user',
          content: `Can you answer the following question as accurately as possible? ${question}: ${options} Explain your answer, putting the answer in the form (X) at the end of your response.`
        }
      ]
    }
  }
}

export function requireChoices(choices: readonly string[] | undefined): readonly string[] {
  if (!choices || choices.length === 0) {
    throw new AppError('invalid_input', 'a csqa debate prompt needs the question\'s choices', { field: 'choices' })
  }
  return choices
}
