import type { DatasetFormat } from '@shared/api/schemas/datasets'
import { guessSplitFromFileName } from './guessSplitFromFileName'

/** What a known file in the shared data folder most likely is. */
export function guessDatasetOfPath(relativePath: string): { suggestedFormat: DatasetFormat; suggestedName: string; suggestedSplit: string } {
  const lower = relativePath.toLowerCase()
  const suggestedSplit = guessSplitFromFileName(lower)
  if (lower.includes('math500')) return { suggestedFormat: 'math', suggestedName: 'math500', suggestedSplit }
  if (lower.includes('gsm_symbolic') || lower.includes('gsm-symbolic')) {
    return { suggestedFormat: 'gsm-symbolic', suggestedName: 'gsm-symbolic', suggestedSplit: lower.includes('template') ? 'test' : suggestedSplit }
  }
  if (lower.includes('gsm8k')) return { suggestedFormat: 'gsm8k', suggestedName: 'gsm8k', suggestedSplit }
  if (lower.includes('math')) return { suggestedFormat: 'math', suggestedName: 'math', suggestedSplit }
  if (lower.includes('csqa') || lower.includes('commonsense')) return { suggestedFormat: 'csqa', suggestedName: 'csqa', suggestedSplit }
  const base = relativePath.split('/').pop()?.replace(/\.jsonl$/, '') ?? 'dataset'
  return { suggestedFormat: 'jsonl', suggestedName: base, suggestedSplit }
}
