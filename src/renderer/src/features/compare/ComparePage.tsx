import type { JSX } from 'react'
import { Placeholder } from '../../components/Placeholder'

export function ComparePage(): JSX.Element {
  return (
    <Placeholder
      title="Compare"
      subtitle="The same generator output judged by an untrained and a trained verifier, as in the paper's App. A.4."
      items={[
        'Pick questions and read both critiques side by side, each followed by its refinement and whether it is correct.',
        'Step through the items where the two disagree.'
      ]}
    />
  )
}
