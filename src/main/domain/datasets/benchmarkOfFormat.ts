import type { Benchmark } from '@shared/benchmarks'
import type { DatasetFormat } from '@shared/api/schemas/datasets'

/** How answers of a dataset are graded: GSM-Symbolic grades like GSM8K; generic JSONL says or is guessed. */
export function benchmarkOfFormat(format: DatasetFormat): Benchmark | undefined {
  switch (format) {
    case 'gsm8k':
    case 'gsm-symbolic':
      return 'gsm8k'
    case 'math':
      return 'math'
    case 'csqa':
      return 'csqa'
    case 'jsonl':
      return undefined
  }
}
