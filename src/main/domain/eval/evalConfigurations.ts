import { perRole, type Role } from '@shared/roles'
import type { AdapterRef, DebateShape, EvalConfiguration } from './EvalConfiguration'
import { defaultDebateShape } from './EvalConfiguration'

/**
 * The paper's evaluated systems as configurations (Llama-3.1-8B-Instruct rows of §5):
 * - Table 1, inference only: `sa`, `sa_mv`, `ma`, `ma_mv` (untrained base for every role).
 * - Table 1, STaR (SFT-only adapters for all roles): `star_sa`, `star_sa_mv`, `star_ma`, `star_ma_mv`.
 * - Table 1, MALT: `malt_nomv`, `malt` (MV@k).
 * - Table 2 / App. A.3: `debate`, 3 base agents × 3 rounds.
 * - Table 4 (MV@k): `untrained_g`, `untrained_v`, `untrained_r`: one role untrained, the other two MALT-trained.
 * - Table 5 (MV@k): `g_only`, `g_v` (the verifier's stated answer, else the generator's), `g_r` (refiner given an
 *   empty verification), all MALT-trained.
 */

export interface EvalConfigurationsOptions {
  /** k of MV@k for every voting preset. Defaults to 3, the paper's (§5.1, "a three-vote self-consistency mechanism"). */
  votes?: number
  /** The debate preset's agents and rounds. Defaults to 3 × 3 (App. A.3). */
  debate?: DebateShape
}

export const defaultVotes = 3

export const builtInConfigurationIds = [
  'sa',
  'sa_mv',
  'ma',
  'ma_mv',
  'star_sa',
  'star_sa_mv',
  'star_ma',
  'star_ma_mv',
  'malt_nomv',
  'malt',
  'debate',
  'untrained_g',
  'untrained_v',
  'untrained_r',
  'g_only',
  'g_v',
  'g_r'
] as const
export type BuiltInConfigurationId = (typeof builtInConfigurationIds)[number]

/** The built-in presets, in {@link builtInConfigurationIds} order. */
export function evalConfigurations(options: EvalConfigurationsOptions = {}): EvalConfiguration[] {
  const k = options.votes ?? defaultVotes
  const debate = options.debate ?? defaultDebateShape
  const all = (ref: AdapterRef): Record<Role, AdapterRef> => perRole(() => ref)
  const malt = all('malt')
  const base = all('base')
  const star = all('star')

  const list: EvalConfiguration[] = [
    { id: 'sa', label: 'SA', pipeline: 'G', adapters: base, votes: 1, answerFrom: 'generator' },
    { id: 'sa_mv', label: 'SA+MV', pipeline: 'G', adapters: base, votes: k, answerFrom: 'generator' },
    { id: 'ma', label: 'MA', pipeline: 'GVR', adapters: base, votes: 1, answerFrom: 'refiner' },
    { id: 'ma_mv', label: 'MA+MV', pipeline: 'GVR', adapters: base, votes: k, answerFrom: 'refiner' },
    { id: 'star_sa', label: 'STaR SA', pipeline: 'G', adapters: star, votes: 1, answerFrom: 'generator' },
    { id: 'star_sa_mv', label: 'STaR SA+MV', pipeline: 'G', adapters: star, votes: k, answerFrom: 'generator' },
    { id: 'star_ma', label: 'STaR MA', pipeline: 'GVR', adapters: star, votes: 1, answerFrom: 'refiner' },
    { id: 'star_ma_mv', label: 'STaR MA+MV', pipeline: 'GVR', adapters: star, votes: k, answerFrom: 'refiner' },
    { id: 'malt_nomv', label: 'MALT (w/o MV)', pipeline: 'GVR', adapters: malt, votes: 1, answerFrom: 'refiner' },
    { id: 'malt', label: 'MALT', pipeline: 'GVR', adapters: malt, votes: k, answerFrom: 'refiner' },
    { id: 'debate', label: 'Multi-Agent Debate', pipeline: 'debate', adapters: base, votes: 1, answerFrom: 'debate', debate: { ...debate } },
    {
      id: 'untrained_g',
      label: 'Untrained G',
      pipeline: 'GVR',
      adapters: { generator: 'base', verifier: 'malt', refiner: 'malt' },
      votes: k,
      answerFrom: 'refiner'
    },
    {
      id: 'untrained_v',
      label: 'Untrained V',
      pipeline: 'GVR',
      adapters: { generator: 'malt', verifier: 'base', refiner: 'malt' },
      votes: k,
      answerFrom: 'refiner'
    },
    {
      id: 'untrained_r',
      label: 'Untrained R',
      pipeline: 'GVR',
      adapters: { generator: 'malt', verifier: 'malt', refiner: 'base' },
      votes: k,
      answerFrom: 'refiner'
    },
    { id: 'g_only', label: 'G only', pipeline: 'G', adapters: malt, votes: k, answerFrom: 'generator' },
    { id: 'g_v', label: 'G + V', pipeline: 'GV', adapters: malt, votes: k, answerFrom: 'verifier' },
    { id: 'g_r', label: 'G + R', pipeline: 'GR', adapters: malt, votes: k, answerFrom: 'refiner' }
  ]
  return list
}

/** Table 4's rows (one untrained role each, then full MALT) and Table 5's (ablated pipelines, then full MALT). */
export const ablationConfigurationIds = {
  untrainedRole: ['untrained_g', 'untrained_v', 'untrained_r', 'malt'],
  pipeline: ['g_only', 'g_v', 'g_r', 'malt']
} as const satisfies Record<string, readonly BuiltInConfigurationId[]>
