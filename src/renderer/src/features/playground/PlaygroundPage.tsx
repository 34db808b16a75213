import type { JSX } from 'react'
import { Placeholder } from '../../components/Placeholder'

export function PlaygroundPage(): JSX.Element {
  return (
    <Placeholder
      title="Prompts & Playground"
      subtitle="Role prompt templates per benchmark, versioned, and a live G → V → R run to tweak them."
      items={[
        'Prompt templates per benchmark and role (generator, verifier, refiner), versioned in the database and editable here.',
        'Pick a question, run generator → verifier → refiner with tokens streaming into three panes; re-run from any stage.',
        'A history of prompt variants and their outputs.',
        'Side by side: the same generator output sent to an untrained and a trained verifier, with their refinements.'
      ]}
      cli={['npm run malt -- grade --benchmark gsm8k --in predictions.jsonl']}
    />
  )
}
