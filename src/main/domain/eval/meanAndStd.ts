/**
 * Mean and standard deviation across evaluation seeds, as the paper's "± std" over 4 seeds (§5.2).
 *
 * The std is the *population* std (divide by n, numpy's default `np.std`), not the sample std (n − 1). The paper's
 * numbers say so: with 100-question subsets every seed's accuracy is a whole percent, and e.g. MALT's MATH
 * 57.25 ± 1.48 is the population std of {55, 57, 58, 59} (1.479; the sample std of any four whole percents with
 * mean 57.25 is 1.50 or more away from it), GSM8K SA 84.25 ± 2.28 that of {82, 83, 84, 88}. Using the same
 * convention keeps our tables comparable with theirs. One seed gives std 0; none gives nulls.
 */
export interface MeanAndStd {
  mean: number | null
  std: number | null
  /** How many values (seeds) went in. */
  n: number
}

export function meanAndStd(values: readonly number[]): MeanAndStd {
  const n = values.length
  if (n === 0) return { mean: null, std: null, n: 0 }
  const mean = values.reduce((sum, value) => sum + value, 0) / n
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / n
  return { mean, std: Math.sqrt(variance), n }
}
