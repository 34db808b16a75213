import { PyFraction } from './PyFraction'

/**
 * Numbers as English words, both ways. Templates show some numbers as words (`{n2,two}` sampled from
 * `numbers_within(2, 5)`, `{mult,twice}`, `{frac,three quarters}`): the defaults must be read back as numbers to
 * check the template against GSM8K, and sampled numbers are written as words where the default was one.
 */
const ones = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen']
const tens = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety']

/** `42` → `forty-two`, `120` → `one hundred twenty`; digits from a million on (nobody writes those out). */
export function numberToWords(n: bigint): string {
  if (n < 0n) return `minus ${numberToWords(-n)}`
  if (n >= 1_000_000n) return n.toString()
  const value = Number(n)
  if (value < 20) return ones[value]!
  if (value < 100) return tens[Math.floor(value / 10)]! + (value % 10 ? `-${ones[value % 10]}` : '')
  if (value < 1000) return `${ones[Math.floor(value / 100)]} hundred` + (value % 100 ? ` ${numberToWords(BigInt(value % 100))}` : '')
  return `${numberToWords(BigInt(Math.floor(value / 1000)))} thousand` + (value % 1000 ? ` ${numberToWords(BigInt(value % 1000))}` : '')
}

const cardinalValues = new Map<string, number>([
  ...ones.map((word, i) => [word, i] as [string, number]),
  ...tens.flatMap((word, i) => (word ? [[word, i * 10] as [string, number]] : []))
])

const multiplierWords = new Map<string, number>([
  ['once', 1],
  ['twice', 2],
  ['thrice', 3],
  ['double', 2],
  ['triple', 3],
  ['quadruple', 4],
  ['quintuple', 5]
])

const denominatorWords = new Map<string, number>([
  ['half', 2],
  ['halves', 2],
  ['third', 3],
  ['quarter', 4],
  ['fourth', 4],
  ['fifth', 5],
  ['sixth', 6],
  ['seventh', 7],
  ['eighth', 8],
  ['ninth', 9],
  ['tenth', 10],
  ['twelfth', 12],
  ['twentieth', 20],
  ['hundredth', 100]
])

/** A cardinal in words (`forty-two`, `one hundred twenty`, `a hundred`) or digits, or null. */
export function parseCardinal(text: string): bigint | null {
  const words = normalize(text).split(' ')
  if (words.length === 1 && /^\d+$/.test(words[0]!)) return BigInt(words[0]!)
  // "a" only counts before "hundred" / "thousand" ("a hundred").
  if (words[0] === 'a' && words[1] !== 'hundred' && words[1] !== 'thousand') return null
  let total = 0
  let current = 0
  let any = false
  for (const word of words) {
    if (word === 'and') continue
    if (word === 'hundred') {
      current = (current || 1) * 100
    } else if (word === 'thousand') {
      total += (current || 1) * 1000
      current = 0
    } else if (cardinalValues.has(word)) {
      current += cardinalValues.get(word)!
    } else if (word === 'a' && !any) {
      current = 0
    } else return null
    any = true
  }
  return any ? BigInt(total + current) : null
}

/**
 * Reads a number as a template default writes it: `10`, `1.50`, `.40`, `1/2`, `two`, `forty-two`, `twice`,
 * `three times`, `half`, `a third`, `three quarters`, `two-fifths`, `1/16`. Returns an int (bigint), a float or a
 * Fraction, or null when the text is not a number.
 */
export function parseNumberText(text: string): bigint | number | PyFraction | null {
  const raw = text.trim()
  if (/^-?\d{1,3}(,\d{3})+$/.test(raw) || /^-?\d+$/.test(raw)) return BigInt(raw.replace(/,/g, ''))
  if (/^-?(\d+)?\.\d+$/.test(raw) || /^-?\d+\.$/.test(raw)) return Number(raw)
  const slash = /^(-?\d+)\s*\/\s*(\d+)$/.exec(raw)
  if (slash && BigInt(slash[2]!) !== 0n) return new PyFraction(BigInt(slash[1]!), BigInt(slash[2]!))

  const words = normalize(raw)
  if (words.length === 0) return null
  const multiplier = multiplierWords.get(words)
  if (multiplier !== undefined) return BigInt(multiplier)
  const times = /^(.+) times$/.exec(words)
  if (times) return parseCardinal(times[1]!)
  const fraction = parseFractionWords(words)
  if (fraction) return fraction
  return parseCardinal(words)
}

function parseFractionWords(words: string): PyFraction | null {
  if (words === 'half' || words === 'a half' || words === 'one half') return new PyFraction(1n, 2n)
  const parts = words.split(' ')
  const last = parts[parts.length - 1]!
  const singular = last.endsWith('s') && !denominatorWords.has(last) ? last.slice(0, -1) : last
  const denominator = denominatorWords.get(singular)
  if (denominator === undefined || parts.length < 2) return null
  const head = parts.slice(0, -1).join(' ')
  const numerator = head === 'a' || head === 'an' ? 1n : parseCardinal(head)
  return numerator === null ? null : new PyFraction(numerator, BigInt(denominator))
}

function normalize(text: string): string {
  return text.trim().toLowerCase().replace(/-/g, ' ').replace(/\s+/g, ' ')
}
