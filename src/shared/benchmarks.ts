/**
 * The benchmarks MALT is evaluated on (paper §5), i.e. how an answer is extracted and graded. GSM-Symbolic is graded
 * as `gsm8k`: its answers are numbers in GSM8K's `#### <number>` convention.
 */
export const benchmarks = ['gsm8k', 'math', 'csqa'] as const
export type Benchmark = (typeof benchmarks)[number]

export function isBenchmark(value: unknown): value is Benchmark {
  return typeof value === 'string' && (benchmarks as readonly string[]).includes(value)
}
