import type { JSX } from 'react'
import { Placeholder } from '../../components/Placeholder'

export function TrainingPage(): JSX.Element {
  return (
    <Placeholder
      title="Training"
      subtitle="Per-role LoRA SFT, then DPO for the verifier and the refiner (β = 0.2), through the bundled Python runner."
      items={[
        'A queue of SFT and DPO jobs per role; the MALT preset (G SFT; V SFT → DPO; R SFT → DPO) and the STaR baseline as one plan.',
        'Live loss and reward curves (rewards/chosen, rejected, margins, accuracies), logs and status; past jobs stay viewable.',
        'Trained adapters, converted to GGUF LoRA, registered per role and run, ready for the agents.'
      ]}
      cli={['npm run malt -- train --run 1 --preset malt']}
    />
  )
}
