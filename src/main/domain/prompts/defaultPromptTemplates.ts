import type { Role } from '@shared/roles'
import type { Benchmark } from '@shared/benchmarks'
import { AppError } from '@shared/errors'
import type { PromptTemplate } from './PromptTemplate'

/*
 * The role prompts of the paper's pipeline. MALT does not publish them in full (PAPER-AND-PEERS.md §1.2);
 * these follow what it does publish (App. A.4): the refiner's exact GSM8K system prompt, the
 * "Question: / Initial Answer:" layout, the generator's five-step GSM8K scaffold ending in `Final Answer:`,
 * the verifier's "As a verifier, …" critique, CSQA's `Choices` list with `Reasoning steps:` and a letter.
 * Zero-shot chain of thought, no few-shot examples (App. A.9), and short system prompts, which small
 * models follow better. The answer formats are the ones the graders read first.
 */

/** The refiner's system prompt, verbatim from the paper's GSM8K sample (App. A.4); used for MATH too. */
export const mathRefinerSystemPrompt = 'You are an expert problem solver that refines math solutions based on feedback.'

const gsm8kSteps = [
  'Step 1: Identify the key information given in the question',
  'Step 2: Determine what the question is asking us to find',
  'Step 3: Plan our approach to solving the problem',
  'Step 4: Execute our plan, showing all work clearly',
  'Step 5: State our conclusion and double-check our answer'
].join('\n')

const gsm8kAnswerFormat =
  'End with a last line of the form "Final Answer: <number>", where <number> is the final numerical answer only.'
const mathAnswerFormat =
  'End with a last line of the form "Final Answer: $\\boxed{<answer>}$", where <answer> is the final answer in simplest exact form.'
const csqaAnswerFormat =
  'Write "Reasoning steps:" followed by your numbered reasoning, then end with a last line of the form "Final Answer: <letter>", where <letter> is one of A, B, C, D or E.'

const mathVerifierTask =
  'As a verifier, critically evaluate the initial answer above. Check each step and recompute every calculation. ' +
  'Then state whether the initial answer is correct or incorrect, and why. If it is incorrect, explain where the error is.'

const templates: PromptTemplate[] = [
  {
    benchmark: 'gsm8k',
    role: 'generator',
    system: 'You are an expert problem solver. You solve math word problems step by step.',
    user: `Solve the following math problem step by step.\n\nQuestion: {{question}}\n\nStructure your solution in five steps:\n${gsm8kSteps}\n\n${gsm8kAnswerFormat}`
  },
  {
    benchmark: 'gsm8k',
    role: 'verifier',
    system: 'You are an expert verifier of math solutions. You check solutions critically and point out errors.',
    user: `Question: {{question}}\n\nInitial Answer: {{generation}}\n\n${mathVerifierTask}`
  },
  {
    benchmark: 'gsm8k',
    role: 'refiner',
    system: mathRefinerSystemPrompt,
    user:
      'Question: {{question}}\n\nInitial Answer: {{generation}}\n\nFeedback: {{verification}}\n\n' +
      `Refine the initial answer using the feedback: correct any errors and solve the problem step by step, from Step 1 to Step 5.\n\n${gsm8kAnswerFormat}`
  },
  {
    benchmark: 'math',
    role: 'generator',
    system: 'You are an expert mathematician. You solve competition math problems step by step.',
    user: `Solve the following math problem step by step.\n\nQuestion: {{question}}\n\nShow your reasoning clearly. ${mathAnswerFormat}`
  },
  {
    benchmark: 'math',
    role: 'verifier',
    system: 'You are an expert verifier of math solutions. You check solutions critically and point out errors.',
    user: `Question: {{question}}\n\nInitial Answer: {{generation}}\n\n${mathVerifierTask}`
  },
  {
    benchmark: 'math',
    role: 'refiner',
    system: mathRefinerSystemPrompt,
    user:
      'Question: {{question}}\n\nInitial Answer: {{generation}}\n\nFeedback: {{verification}}\n\n' +
      `Refine the initial answer using the feedback: correct any errors and solve the problem step by step. ${mathAnswerFormat}`
  },
  {
    benchmark: 'csqa',
    role: 'generator',
    system: 'You are an expert at commonsense reasoning. You answer multiple-choice questions.',
    user: `Question: {{question}}\n\nChoices:\n{{choices}}\n\nThink step by step. ${csqaAnswerFormat}`
  },
  {
    benchmark: 'csqa',
    role: 'verifier',
    system: 'You are an expert verifier of answers to commonsense questions.',
    user:
      'Question: {{question}}\n\nChoices:\n{{choices}}\n\nInitial Answer: {{generation}}\n\n' +
      'As a verifier, critically evaluate the initial answer above. Check its reasoning against the question and each choice, ' +
      'then state whether the chosen answer is correct or incorrect, and why.'
  },
  {
    benchmark: 'csqa',
    role: 'refiner',
    // The paper's refiner prompt, with "math solutions" made to fit a commonsense question.
    system: 'You are an expert problem solver that refines answers to commonsense questions based on feedback.',
    user:
      'Question: {{question}}\n\nChoices:\n{{choices}}\n\nInitial Answer: {{generation}}\n\nFeedback: {{verification}}\n\n' +
      `Refine the initial answer using the feedback. ${csqaAnswerFormat}`
  }
]

/** Frozen: every run shares them, so a run that edits its templates edits copies. */
export const defaultPromptTemplates: readonly Readonly<PromptTemplate>[] = Object.freeze(templates.map((t) => Object.freeze(t)))

/** The default template of one benchmark and role. */
export function defaultPromptTemplate(benchmark: Benchmark, role: Role): Readonly<PromptTemplate> {
  const template = defaultPromptTemplates.find((t) => t.benchmark === benchmark && t.role === role)
  if (!template) throw new AppError('not_found', `no default prompt template for the ${benchmark} ${role}`)
  return template
}
