import type { OutcomeFilter } from '../../stores/useRunsStore'

/** The explorer's outcome filters in words; "right"/"wrong" are the extracted answer against the gold one. */
export const outcomeFilterLabels: Record<OutcomeFilter, string> = {
  all: 'All questions',
  'generator-wrong-refined-right': 'Generator wrong, refined right',
  'generator-right-refined-wrong': 'Generator right, refined wrong',
  'all-right': 'All refinements right',
  'all-wrong': 'All refinements wrong',
  'has-pairs': 'Has pairs',
  'no-pairs': 'Complete, no pairs',
  incomplete: 'Incomplete'
}

export const outcomeFilters = Object.keys(outcomeFilterLabels) as OutcomeFilter[]
