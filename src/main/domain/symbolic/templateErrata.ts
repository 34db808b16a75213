/**
 * Known mistakes in Apple's GSM-Symbolic templates (apple/ml-gsm-symbolic @ b6a16250), found by evaluating every
 * template at its defaults against the GSM8K problem it came from. An erratum applies only while the template
 * still has exactly the wrong text, so a corrected upstream file is used as it is.
 */
export interface TemplateErratum {
  /** `id_shuffled` and `id_orig` of the template. */
  id: number
  originalId: number
  wrongAnswerExpression: string
  correctedAnswerExpression: string
  reason: string
}

export const templateErrata: readonly TemplateErratum[] = [
  {
    id: 62,
    originalId: 456,
    wrongAnswerExpression: '2 * (n1 + (p/100 * n1))',
    correctedAnswerExpression: '2 * (n1 + n1 + p/100 * n1)',
    reason:
      "#answer counts the green cards as p% of the red ones instead of red + p% (GSM8K's 15 red, 60% more: it gives 48, " +
      "the template's own solution and GSM8K give 78), so it disagrees with the solution's '####' line for every sample"
  }
]
