import { numberToWords } from './numberWords'
import { PyFraction } from './PyFraction'
import { PyLabelled, PyList, type PyValue } from './PyValue'

/**
 * The named lists GSM-Symbolic templates sample from. Apple's repository ships the templates but not these
 * lists, so they are written here. Each was chosen by reading every slot that uses it in the 100 templates:
 * the words must fit sentences like "{n4} {w4}-{unit} boxes", "{fruit}s per hectare", "{frac} as many as",
 * "{mult} the number of", and the numbers must make the templates' conditions satisfiable
 * (`frac_run + frac_walk == 1` needs complementary fractions, `fraction_nums[:4]` is used as a discount).
 *
 * Lists of `(words, number)` pairs are {@link PyLabelled}: the question shows the words, arithmetic uses the number.
 */
const namesFemale = [
  'Emma', 'Olivia', 'Ava', 'Sophia', 'Isabella', 'Mia', 'Charlotte', 'Amelia', 'Harper', 'Evelyn', 'Abigail', 'Emily',
  'Ella', 'Grace', 'Chloe', 'Lily', 'Zoe', 'Nora', 'Hannah', 'Leah', 'Sofia', 'Aisha', 'Priya', 'Mei', 'Yuki',
  'Fatima', 'Valeria', 'Camila', 'Nia', 'Ingrid'
]
const namesMale = [
  'Liam', 'Noah', 'Oliver', 'Elijah', 'James', 'William', 'Benjamin', 'Lucas', 'Henry', 'Alexander', 'Mason', 'Ethan',
  'Daniel', 'Jacob', 'Logan', 'Jackson', 'Samuel', 'David', 'Joseph', 'Carter', 'Mateo', 'Omar', 'Arjun', 'Hiroshi',
  'Kwame', 'Diego', 'Ravi', 'Tomas', 'Ahmed', 'Felix'
]

/** `numbers_within(a, b)`: a..b inclusive, each shown as words ("two", "forty-two"). */
export function numbersWithin(low: bigint, high: bigint): PyList {
  const items: PyValue[] = []
  for (let n = low; n <= high; n++) items.push(new PyLabelled(numberToWords(n), n))
  return new PyList(items)
}

function labelled(pairs: [string, PyValue][]): PyList {
  return new PyList(pairs.map(([label, value]) => new PyLabelled(label, value)))
}

function fraction(numerator: number, denominator: number): PyFraction {
  return new PyFraction(BigInt(numerator), BigInt(denominator))
}

function words(items: string[]): PyList {
  return new PyList(items)
}

/** Spelled-out fractions, for "{frac} of the balls", "{frac} as many as". */
const fractionWords: [string, PyValue][] = [
  ['half', fraction(1, 2)],
  ['a third', fraction(1, 3)],
  ['two-thirds', fraction(2, 3)],
  ['a quarter', fraction(1, 4)],
  ['three-quarters', fraction(3, 4)],
  ['a fifth', fraction(1, 5)],
  ['two-fifths', fraction(2, 5)],
  ['three-fifths', fraction(3, 5)]
]

/** Every list a template can name, by name. */
export const builtinLists: ReadonlyMap<string, PyList> = new Map<string, PyList>([
  ['names_female', words(namesFemale)],
  ['names_male', words(namesMale)],
  ['names', words([...namesFemale, ...namesMale])],
  ['cities', words(['Los Angeles', 'Chicago', 'Houston', 'Seattle', 'Boston', 'Denver', 'Miami', 'Toronto', 'London', 'Sydney', 'Dublin', 'Austin'])],
  ['colors', words(['red', 'blue', 'green', 'yellow', 'purple', 'orange', 'pink', 'white', 'black', 'brown'])],
  // Singular nouns that take a plain "s" plural ("{fruit}s per hectare", "{fruit} pie").
  ['fruits', words(['apple', 'banana', 'orange', 'pear', 'plum', 'pineapple', 'kiwi', 'apricot', 'lemon', 'melon'])],
  ['sports', words(['soccer', 'basketball', 'tennis', 'volleyball', 'baseball', 'hockey', 'badminton', 'golf'])],
  // Cyclic: sample_sequential wraps around, so "Saturday, Sunday, Monday" can be drawn.
  ['weekdays', words(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'])],
  ['currencies_sym', words(['$', '€', '£'])],
  // Units used as "{w}-{unit} boxes" and "{n} {unit}s": singular forms.
  ['weights_sm', words(['ounce', 'gram'])],
  ['weights_med', words(['pound', 'kilogram'])],
  ['length_lg', words(['mile', 'kilometer'])],
  // "{mult} as many", "{mult} the rate of speed", "ride the go-karts {times}".
  ['multi_times', labelled([['twice', 2n], ['three times', 3n], ['four times', 4n], ['five times', 5n]])],
  ['multiple_ice', labelled([['twice', 2n], ['thrice', 3n]])],
  ['multiple', labelled([['double', 2n], ['triple', 3n], ['quadruple', 4n]])],
  ['fractions', labelled(fractionWords)],
  ['fraction_alph', labelled(fractionWords)],
  // Numerals; the first four are used as discounts ("{discount} off").
  ['fraction_nums', labelled([['1/2', fraction(1, 2)], ['1/3', fraction(1, 3)], ['1/4', fraction(1, 4)], ['1/5', fraction(1, 5)], ['2/3', fraction(2, 3)], ['3/4', fraction(3, 4)], ['2/5', fraction(2, 5)], ['3/5', fraction(3, 5)]])],
  // Words and numerals mixed, as the templates' defaults are ("half", "1/3", "two-thirds", "1/16").
  ['fraction_alnum', labelled([
    ['half', fraction(1, 2)],
    ['1/3', fraction(1, 3)],
    ['two-thirds', fraction(2, 3)],
    ['1/4', fraction(1, 4)],
    ['three-quarters', fraction(3, 4)],
    ['1/5', fraction(1, 5)],
    ['two-fifths', fraction(2, 5)],
    ['three-fifths', fraction(3, 5)],
    ['four-fifths', fraction(4, 5)],
    ['1/10', fraction(1, 10)]
  ])],
  // Prices per minute ("$0.25 for each minute"): Python floats, as the decimal literals would be.
  ['fraction_decimals', new PyList([0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75])]
])
