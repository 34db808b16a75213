import type { JSX } from 'react'
import { Placeholder } from '../../components/Placeholder'

export function EvaluationPage(): JSX.Element {
  return (
    <Placeholder
      title="Evaluation"
      subtitle="The paper's baselines, MALT and the ablations over several seeds, as mean ± std."
      items={[
        'Configurations: single agent, +majority vote, untrained multi-agent, STaR, multi-agent debate, MALT with and without MV@3, ablations.',
        'A table in the paper’s layout (configurations × benchmarks) with CSV, JSON and Markdown export.',
        'Charts: accuracy per turn, wrong→right and right→wrong flips per stage, accuracy vs votes, ablation bars.'
      ]}
      cli={['npm run malt -- eval --model model.gguf --benchmark gsm8k --configs sa,sa_mv,ma,malt --subset 100 --seeds 0,1,2,3']}
    />
  )
}
