import { formatExactNumber, parseExactNumber } from './ExactNumber'

/**
 * Normalization of MATH answers, in the spirit of Hendrycks' `_strip_string` (hendrycks/math
 * `modeling/math_equivalence.py`) and Minerva's `normalize_final_answer` (Lewkowycz et al. 2022, App. D).
 *
 * {@link prepareMathAnswer} keeps spaces, because the LaTeX parser needs them (`\cot x` is not `\cotx`);
 * {@link normalizeMathAnswer} is the compact key used for string equality and for grouping votes.
 */

/** Commands whose argument is plain text or a style: `\text{Evelyn}` is `Evelyn`. */
const textCommands = ['text', 'textbf', 'textit', 'textrm', 'textnormal', 'mbox', 'mathrm', 'mathbf', 'mathit', 'boldsymbol']

/**
 * Words after a number are dropped as units or nouns ("5 cm", "12 inches", "3 apples"), except these, which
 * are mathematics ("2 pi", "3 and 4").
 */
const mathWords = new Set(['pi', 'sin', 'cos', 'tan', 'cot', 'sec', 'csc', 'ln', 'log', 'exp', 'and', 'or', 'i'])

/**
 * Cleans one answer: removes the wrappers (`$…$`, `\(…\)`, `\boxed{…}`), spacing commands, `\left`/`\right`,
 * `\dfrac`/`\tfrac`, degrees, dollar signs, percent signs, units (`10\text{ units}`, `864 \mbox{ inches}^2`,
 * `5 cm`), text wrappers, a leading `x =` or `x \in`, and fixes the shorthands `\frac12`, `\frac{270}7`,
 * `\sqrt3` and `.5`. Thousands separators written `10,\!080` become `10,080`; whether a bare `10,080` is a
 * number or a list is left to the comparison. Plain words are lower-cased, and `(C)` becomes `C`.
 */
export function prepareMathAnswer(answer: string): string {
  let s = unwrapDelimiters(answer.trim())
  s = s.replace(/\s+/g, ' ')
  s = s.replace(/,\\!\s*/g, ',') // "10,\!080": a thousands separator, not a list
  s = s.replace(/\\!/g, '')
  // A doubled backslash before a command name ("\\frac") is one backslash; a matrix row break ("\\ 2") is kept.
  s = s.replace(/(?<!\\)\\\\(?=[a-zA-Z])/g, '\\')
  s = s.replace(/(?<!\\)\\[,:;> ]|~/g, ' ') // thin spaces; the look-behind keeps a row break "\\ "
  s = s.replace(/\\(?:displaystyle|textstyle)\b/g, '')
  s = s.replace(/\\[dt]frac(?![a-zA-Z])/g, '\\frac')
  s = s.replace(/\\(?:left|right)\.|\\(?:left|right|bigl|bigr|Bigl|Bigr|big|Big)(?![a-zA-Z])/g, '')
  s = s.replace(/\^\s*\{\s*\\circ\s*\}|\^\s*\\circ(?![a-zA-Z])|°|\\degree\b/g, '')
  s = s.replace(/\\\$|\$/g, '')
  s = s.replace(/\\text\{\s*(?:and|or)\s*\}/g, ',')
  s = removeUnits(s)
  s = unwrapTextCommands(s)
  s = s.replace(/\\%|%/g, '')
  s = s.replace(/(^|[^\d])\.(\d)/g, (_, before: string, digit: string) => `${before}0.${digit}`)
  s = dropSetMembership(s.trim())
  s = fixSqrt(s)
  s = fixFracs(s)
  s = s.replace(/_\{(\w+)\}/g, '_$1')
  s = s.replace(/\s+/g, ' ').trim().replace(/\s*\.$/, '')

  if (/^[a-zA-Z]+(?: [a-zA-Z]+)*$/.test(s) && s.length > 1) s = s.toLowerCase()
  const letter = /^\(([A-Za-z])\)$/.exec(s)
  if (letter) s = letter[1]!
  return s
}

/**
 * The compact key of an answer: {@link prepareMathAnswer} without spaces, numbers in their canonical form
 * (`0.5`, `.5`, `1/2` and `\frac{1}{2}` all become `0.5`). Equal keys mean equivalent answers; the converse
 * needs {@link isMathEquivalent}.
 */
export function normalizeMathAnswer(answer: string): string {
  const s = dropVariablePrefix(prepareMathAnswer(answer)).replace(/\s+/g, '')
  const n = parseExactNumber(s)
  return n ? formatExactNumber(n) : s
}

function unwrapDelimiters(s: string): string {
  for (let i = 0; i < 5; i++) {
    const before = s
    s = s.trim().replace(/^\*\*(.*)\*\*$/s, '$1')
    s = s.replace(/^\$\$(.*)\$\$$/s, '$1').replace(/^\$([^$]*)\$$/s, '$1')
    s = s.replace(/^\\\((.*)\\\)$/s, '$1').replace(/^\\\[(.*)\\\]$/s, '$1')
    const boxed = /^\\(?:boxed|fbox)\s*\{/.exec(s)
    if (boxed && matchingBrace(s, boxed[0].length - 1) === s.length - 1) s = s.slice(boxed[0].length, -1)
    s = s.trim().replace(/[.。]$/, '')
    if (s === before) break
  }
  return s
}

/** `10\text{ units}`, `864 \mbox{ inches}^2`, `5 cm`: a number (or expression) followed by words. */
function removeUnits(s: string): string {
  const command = /^(.*?[^\s])\s*\\(?:text|textbf|textit|textrm|textnormal|mbox|mathrm)\s*\{(\s*)([a-zA-Z][a-zA-Z .]*)\}\s*(?:\^\s*\{?\d\}?)?$/.exec(s)
  if (command && /\d/.test(command[1]!)) {
    // Hendrycks: "\text{ " (with a space) only ever introduces units. Without the space, a single letter
    // or a math word ("2\mathrm{i}") is part of the answer.
    const word = command[3]!.trim()
    if (command[2] !== '' || (word.length > 1 && !mathWords.has(word.toLowerCase()))) return command[1]!
  }
  const words = /^(.*?[\d})\]])\s+([a-zA-Z]{2,}\.?(?:\s+[a-zA-Z]{2,}\.?)*)\s*(?:\^\s*\{?\d\}?)?$/.exec(s)
  if (words && !words[2]!.split(/\s+/).some((w) => mathWords.has(w.replace(/\.$/, '').toLowerCase()))) {
    return words[1]!
  }
  return s
}

function unwrapTextCommands(s: string): string {
  const pattern = new RegExp(`\\\\(?:${textCommands.join('|')})\\s*\\{`, 'g')
  for (let guard = 0; guard < 20; guard++) {
    pattern.lastIndex = 0
    const match = pattern.exec(s)
    if (!match) break
    const open = match.index + match[0].length - 1
    const close = matchingBrace(s, open)
    if (close < 0) break
    s = s.slice(0, match.index) + s.slice(open + 1, close) + s.slice(close + 1)
  }
  return s
}

/** `x \in [-2,7]` is `[-2,7]`: the answer names the variable it solves for. */
function dropSetMembership(s: string): string {
  const inSet = /^[a-zA-Z]\s*\\in(?![a-zA-Z])\s*(.+)$/.exec(s)
  return inSet ? inSet[1]! : s
}

/** `x = 5` is `5` as a vote key; the comparison reads assignments itself (an equation may be the answer). */
function dropVariablePrefix(s: string): string {
  const parts = s.split('=')
  if (parts.length !== 2) return s
  const lhs = parts[0]!.trim()
  if (/[<>!]$/.test(lhs)) return s // "<=", ">=", "!="
  if (/^(?:[a-zA-Z](?:_\w+)?|\\[a-zA-Z]+)$/.test(lhs)) return parts[1]!.trim()
  return s
}

function fixSqrt(s: string): string {
  return s.replace(/\\sqrt\s*([^\s{[\\])/g, '\\sqrt{$1}')
}

/** `\frac12` → `\frac{1}{2}`, `\frac1{72}`, `\frac{270}7`, `\frac 59`, `\frac\pi2`. */
function fixFracs(s: string): string {
  let out = ''
  let i = 0
  while (i < s.length) {
    const at = s.indexOf('\\frac', i)
    if (at < 0 || /[a-zA-Z]/.test(s[at + 5] ?? '')) {
      if (at < 0) {
        out += s.slice(i)
        break
      }
      out += s.slice(i, at + 5)
      i = at + 5
      continue
    }
    out += s.slice(i, at) + '\\frac'
    let j = at + 5
    for (let arg = 0; arg < 2; arg++) {
      while (s[j] === ' ') j++
      const c = s[j]
      if (c === undefined) break
      if (c === '{') {
        const close = matchingBrace(s, j)
        if (close < 0) {
          out += s.slice(j)
          return out
        }
        out += s.slice(j, close + 1)
        j = close + 1
      } else if (c === '\\') {
        const name = /^\\[a-zA-Z]+/.exec(s.slice(j))?.[0] ?? c
        out += `{${name}}`
        j += name.length
      } else {
        out += `{${c}}`
        j++
      }
    }
    i = j
  }
  return out
}

/** The offset of the `}` closing the `{` at `open`, or -1. */
export function matchingBrace(s: string, open: number): number {
  let depth = 0
  for (let j = open; j < s.length; j++) {
    const c = s[j]
    if (c === '\\') j++
    else if (c === '{') depth++
    else if (c === '}' && --depth === 0) return j
  }
  return -1
}
