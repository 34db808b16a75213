import type { JSX } from 'react'
import { Placeholder } from '../../components/Placeholder'

export function RunsPage(): JSX.Element {
  return (
    <Placeholder
      title="Runs"
      subtitle="Tree-search data generation (Algorithm 1): n generations × n verifications × n refinements per question."
      items={[
        'Start, pause, cancel and resume generation runs; progress with nodes/s, tokens/s, ETA and running accuracy per stage.',
        'A tree explorer: G → V → R with values, ✓/✗ labels, rewards and the preference pairs marked; click a node for its text and prompt.',
        'Credit assignment recomputed for any threshold θ and global or local pooling.',
        'Per-role SFT sets and DPO pairs with their counts, exported in TRL’s formats.'
      ]}
      cli={[
        'npm run malt -- generate --model model.gguf --dataset gsm8k --split train --limit 100 --branching 3 --seed 0',
        'npm run malt -- export --run 1 --what dpo --role verifier --out verifier-dpo.jsonl'
      ]}
    />
  )
}
