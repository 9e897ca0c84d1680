// Character classes as sets of Latin-1 runes (0-255), the encoding Envoy compiles regexes with.
// Only their shape matters here: RE2 compiles a class into one instruction per run of adjacent
// runes, so the run count bounds the class's share of the program (docs/regex.md, "Program size").

/** Membership of each Latin-1 rune. */
export type RuneSet = Uint8Array;

/** A set of no runes. */
export function emptySet(): RuneSet {
  return new Uint8Array(256);
}

/** Adds runes lo..hi (inclusive, clipped to Latin-1) to `set`. */
export function addRange(set: RuneSet, lo: number, hi: number): void {
  for (let c = lo; c <= Math.min(hi, 255); c++) set[c] = 1;
}

/** Adds every rune of `other` to `set`. */
export function addSet(set: RuneSet, other: RuneSet): void {
  for (let c = 0; c < 256; c++) if (other[c]) set[c] = 1;
}

/** The complement of `set`. */
export function negate(set: RuneSet): RuneSet {
  return set.map((v) => 1 - v);
}

/** For each Latin-1 rune, its other-case rune within Latin-1, or -1. */
const OTHER_CASE: readonly number[] = Array.from({ length: 256 }, (_, c) => {
  const ch = String.fromCharCode(c);
  const other = ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase();
  const o = other.length === 1 ? other.charCodeAt(0) : -1;
  return o !== c && o < 256 ? o : -1;
});

/** `set` with the other case of each letter, as `(?i)` makes RE2 add it. */
export function foldCase(set: RuneSet): RuneSet {
  const out = set.slice();
  for (let c = 0; c < 256; c++) {
    const o = OTHER_CASE[c]!;
    if (set[c] && o >= 0) out[o] = 1;
  }
  return out;
}

/** Number of maximal runs of adjacent runes in `set`. */
export function runCount(set: RuneSet): number {
  let runs = 0;
  for (let c = 0; c < 256; c++) if (set[c] && (c === 0 || !set[c - 1])) runs++;
  return runs;
}

/** The runes matching a JavaScript Unicode pattern, e.g. `\p{gc=Lu}`. */
function runesOf(pattern: RegExp): RuneSet {
  const set = emptySet();
  for (let c = 0; c < 256; c++) if (pattern.test(String.fromCharCode(c))) set[c] = 1;
  return set;
}

const PERL_CLASSES: Readonly<Record<string, RegExp>> = { d: /[0-9]/, s: /[\t\n\f\r ]/, w: /[0-9A-Za-z_]/ };

/** `\d`, `\s`, `\w` and their upper-case negations. */
export function perlClass(letter: string): RuneSet {
  const set = runesOf(PERL_CLASSES[letter.toLowerCase()]!);
  return letter === letter.toUpperCase() ? negate(set) : set;
}

const POSIX_CLASSES: Readonly<Record<string, RegExp>> = {
  alnum: /[0-9A-Za-z]/,
  alpha: /[A-Za-z]/,
  ascii: /[\x00-\x7f]/,
  blank: /[\t ]/,
  cntrl: /[\x00-\x1f\x7f]/,
  digit: /[0-9]/,
  graph: /[!-~]/,
  lower: /[a-z]/,
  print: /[ -~]/,
  punct: /[!-/:-@[-`{-~]/,
  space: /[\t\n\v\f\r ]/,
  upper: /[A-Z]/,
  word: /[0-9A-Za-z_]/,
  xdigit: /[0-9A-Fa-f]/,
};

/** `[:name:]` (the name is one RE2 knows), negated by `negated`. */
export function posixClass(name: string, negated: boolean): RuneSet {
  const set = runesOf(POSIX_CLASSES[name]!);
  return negated ? negate(set) : set;
}

const unicodeCache = new Map<string, RuneSet>();

/** The Latin-1 runes of a Unicode group RE2 knows (`Any`, a category or a script). */
export function unicodeGroup(name: string): RuneSet {
  let set = unicodeCache.get(name);
  if (!set) {
    if (name === 'Any') set = negate(emptySet());
    else if (/^[A-Z][a-z]?$/.test(name)) set = runesOf(new RegExp(`\\p{gc=${name}}`, 'u'));
    else {
      // A script this Node's Unicode tables do not know yet: assume the worst case for its size.
      try {
        set = runesOf(new RegExp(`\\p{sc=${name}}`, 'u'));
      } catch {
        set = worstCaseSet();
      }
    }
    unicodeCache.set(name, set);
  }
  return set;
}

/** A set with the most runs a Latin-1 class can have (every other rune). */
function worstCaseSet(): RuneSet {
  return emptySet().map((_, c) => c % 2);
}
