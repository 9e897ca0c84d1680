// The RE2 syntax check Envoy applies to every `safe_regex`, reproduced so that a route Envoy would
// NACK is refused when it is written (docs/regex.md). It follows RE2's parser rule for rule and
// returns RE2's own message (`missing ): (a`, `invalid perl operator: (?=`), because that is what
// the user would otherwise find in a NACK. Envoy 1.40 compiles these regexes with Latin-1 runes
// (found by experiment: `\x{100}` is an invalid escape there), so the pattern's UTF-8 bytes are
// the runes here too, and error text shows each byte as the Latin-1 character RE2 prints.
// Every branch is pinned by a row of regex.test.ts, and each row is loaded into the real Envoy by
// regex-envoy.test.ts.

import { addRange, addSet, emptySet, foldCase, negate, perlClass, posixClass, runCount, unicodeGroup, type RuneSet } from './re2-char-class.js';
import { RE2_POSIX_CLASSES, RE2_UNICODE_GROUPS } from './re2-unicode-groups.js';

/**
 * The outcome of checking one pattern: RE2's error text when RE2 would refuse it, else an upper
 * bound of the instructions RE2 allocates while compiling it (docs/regex.md, "Program size").
 */
export type Re2SyntaxResult = { readonly ok: true; readonly instructions: number } | { readonly ok: false; readonly error: string };

/** RE2's error texts, by the status code names of its parser. */
const ERRORS = {
  badEscape: 'invalid escape sequence',
  badCharRange: 'invalid character class range',
  missingBracket: 'missing ]',
  missingParen: 'missing )',
  unexpectedParen: 'unexpected )',
  trailingBackslash: 'trailing \\',
  repeatArgument: 'no argument for repetition operator',
  repeatSize: 'invalid repetition size',
  repeatOp: 'bad repetition operator',
  badPerlOp: 'invalid perl operator',
  badNamedCapture: 'invalid named capture group',
  badUtf8: 'invalid UTF-8',
} as const;

/** Largest count RE2 allows in `{n,m}`, and for the product of nested counts. */
const MAX_REPEAT = 1000;
/** Largest rune of the Latin-1 encoding Envoy compiles with. */
const RUNE_MAX = 0xff;

/** Thrown inside the parser only; checkRe2Syntax turns it into a result. */
class Re2Error extends Error {
  constructor(kind: keyof typeof ERRORS, arg = '') {
    super(arg === '' ? ERRORS[kind] : `${ERRORS[kind]}: ${arg}`);
  }
}

/** One operand: what the repetition rules and the size bound need to know about it. */
interface Item {
  /** Largest product of the `{n,m}` counts nested in it (RE2 allows at most 1000). */
  readonly product: number;
  /** Upper bound of the instructions RE2 compiles it to. */
  readonly size: number;
}

/**
 * One parenthesised level being parsed. Only the last operand stays separate, for a following
 * repetition; the rest is kept as running totals in plain numbers, so that the work per rune is
 * constant and allocates nothing.
 */
interface Frame {
  /** The last operand of the current concatenation, if any. */
  hasLast: boolean;
  lastProduct: number;
  lastSize: number;
  /** The operands before it, combined: largest product, summed size. */
  beforeProduct: number;
  beforeSize: number;
  /** The level's finished alternatives, combined, and how many there are. */
  branchProduct: number;
  branchSize: number;
  branchCount: number;
  /** A capturing group compiles to two extra instructions. */
  readonly capture: boolean;
  /** `(?i)` is on: letters match both cases. */
  fold: boolean;
}

/** Fail, Match and the unanchored `.*?` prefix every program has. */
const PROGRAM_OVERHEAD = 4;

/** Bound for a class of `set`: one instruction per run of runes, joined by alternations. */
function classSize(set: RuneSet): number {
  return Math.max(1, 2 * runCount(set) - 1);
}


const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;
const isOctal = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x37;
const isHex = (c: number | undefined): boolean => c !== undefined && /^[0-9A-Fa-f]$/.test(String.fromCharCode(c));
const isAlpha = (c: number): boolean => /^[A-Za-z]$/.test(String.fromCharCode(c));
const code = (s: string): number => s.charCodeAt(0);
// The runes the main loop dispatches on, as constants: it runs once per rune of the pattern.
const LPAREN = 0x28;
const RPAREN = 0x29;
const STAR = 0x2a;
const PLUS = 0x2b;
const DOT = 0x2e;
const QUESTION = 0x3f;
const LBRACKET = 0x5b;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const BAR = 0x7c;
// Capture names may hold letters, marks, decimal and letter numbers, and connector punctuation.
const NAME_RUNE = /^[\p{L}\p{Mn}\p{Mc}\p{Nd}\p{Nl}\p{Pc}]$/u;

function newFrame(capture: boolean, fold: boolean): Frame {
  return { hasLast: false, lastProduct: 1, lastSize: 0, beforeProduct: 1, beforeSize: 0, branchProduct: 1, branchSize: 0, branchCount: 0, capture, fold };
}

class Parser {
  private i = 0;
  private readonly frames: Frame[] = [newFrame(false, false)];

  constructor(private readonly r: Uint8Array) {}

  /** RE2's text for runes [from, to): each Latin-1 rune as its character. */
  private text(from: number, to = this.i): string {
    let out = '';
    // In chunks: one call with a whole long pattern as arguments would overflow the stack.
    for (let k = from; k < to; k += 4096) out += String.fromCharCode(...this.r.subarray(k, Math.min(k + 4096, to)));
    return out;
  }

  private get frame(): Frame {
    return this.frames[this.frames.length - 1]!;
  }

  private peek(offset = 0): number | undefined {
    return this.r[this.i + offset];
  }

  /** Reads one rune; reading past the end is RE2's UTF-8 decoder failing. */
  private next(): number {
    const c = this.r[this.i];
    if (c === undefined) throw new Re2Error('badUtf8');
    this.i++;
    return c;
  }

  /** Parses the whole pattern; returns the size bound of its program. */
  parse(): number {
    let lastRepeat = -1;
    while (this.i < this.r.length) {
      const start = this.i;
      let isRepeat = -1;
      switch (this.peek()) {
        case LPAREN:
          if (this.peek(1) === QUESTION) this.parsePerlFlags();
          else this.openGroup();
          break;
        case BAR:
          this.i++;
          this.alternate();
          break;
        case RPAREN:
          this.i++;
          this.closeGroup();
          break;
        case LBRACKET:
          this.push(classSize(this.parseCharClass()));
          break;
        case STAR:
        case PLUS:
        case QUESTION:
          this.i++;
          this.checkRepeatOp(lastRepeat);
          this.repeat(start);
          isRepeat = start;
          break;
        case LBRACE: {
          const counts = this.maybeRepeatCounts();
          if (!counts) {
            this.pushRune(this.next());
            break;
          }
          this.checkRepeatOp(lastRepeat);
          this.repetition(start, counts[0], counts[1]);
          isRepeat = start;
          break;
        }
        case BACKSLASH:
          this.parseBackslash();
          break;
        case DOT:
          this.i++;
          this.push(3);
          break;
        default:
          this.pushRune(this.next());
      }
      lastRepeat = isRepeat;
    }
    this.alternate();
    if (this.frames.length > 1) throw new Re2Error('missingParen', this.text(0, this.r.length));
    return this.levelItem(this.frame).size + PROGRAM_OVERHEAD;
  }

  /** An operand compiling to at most `size` instructions and holding no repetition. */
  private push(size: number): void {
    this.pushItem({ product: 1, size });
  }

  private pushItem(item: Item): void {
    const f = this.frame;
    if (f.hasLast) {
      f.beforeProduct = Math.max(f.beforeProduct, f.lastProduct);
      f.beforeSize += f.lastSize;
    }
    f.hasLast = true;
    f.lastProduct = item.product;
    f.lastSize = item.size;
  }

  /** A literal rune; under `(?i)` a letter becomes the class of its two cases. */
  private pushRune(rune: number): void {
    if (!this.frame.fold) return this.push(1);
    const set = emptySet();
    addRange(set, rune, rune);
    this.push(classSize(foldCase(set)));
  }

  private openFrame(capture: boolean, fold = this.frame.fold): void {
    this.frames.push(newFrame(capture, fold));
  }

  private openGroup(): void {
    this.i++;
    this.openFrame(true);
  }

  /** Ends the current alternative; an empty one compiles to a no-op. */
  private alternate(): void {
    const f = this.frame;
    f.branchProduct = Math.max(f.branchProduct, f.beforeProduct, f.lastProduct);
    f.branchSize += f.hasLast ? f.beforeSize + f.lastSize : 1;
    f.branchCount++;
    f.hasLast = false;
    f.lastProduct = f.beforeProduct = 1;
    f.lastSize = f.beforeSize = 0;
  }

  /** A finished level as one operand: its alternatives, joined by one alternation each. */
  private levelItem(f: Frame): Item {
    return { product: f.branchProduct, size: f.branchSize + f.branchCount - 1 + (f.capture ? 2 : 0) };
  }

  private closeGroup(): void {
    this.alternate();
    if (this.frames.length === 1) throw new Re2Error('unexpectedParen', this.text(0, this.r.length));
    const closed = this.frames.pop()!;
    this.pushItem(this.levelItem(closed));
  }

  /** Perl forbids stacking repetition operators (`a**`, `a*+`, `a{2}{3}`). */
  private checkRepeatOp(lastRepeat: number): void {
    if (this.peek() === code('?')) this.i++;
    if (lastRepeat >= 0) throw new Re2Error('repeatOp', this.text(lastRepeat));
  }

  /** `*`, `+` or `?` on the last operand: at most two alternations more. */
  private repeat(start: number): void {
    const f = this.frame;
    if (!f.hasLast) throw new Re2Error('repeatArgument', this.text(start));
    f.lastSize += 2;
  }

  private repetition(start: number, min: number, max: number): void {
    const op = this.text(start);
    if ((max !== -1 && max < min) || min > MAX_REPEAT || max > MAX_REPEAT) throw new Re2Error('repeatSize', op);
    const f = this.frame;
    if (!f.hasLast) throw new Re2Error('repeatArgument', op);
    // RE2 refuses a repetition whose nested counts multiply to more than 1000: `(a{100}){11}`.
    const product = f.lastProduct * Math.max(1, max === -1 ? min : max);
    if ((min >= 2 || max >= 2) && product > MAX_REPEAT) throw new Re2Error('repeatSize', op);
    f.lastProduct = product;
    f.lastSize = repetitionSize(f.lastSize, min, max);
  }

  /** `{n}`, `{n,}` or `{n,m}` ending in `}` and consumed; null leaves `{` to be a literal. */
  private maybeRepeatCounts(): [number, number] | null {
    const save = this.i;
    this.i++;
    const lo = this.integer();
    let hi = lo;
    if (lo !== null && this.peek() === code(',')) {
      this.i++;
      hi = this.peek() === code('}') ? -1 : this.integer();
    }
    if (lo === null || hi === null || this.peek() !== code('}')) {
      this.i = save;
      return null;
    }
    this.i++;
    return [lo, hi];
  }

  /** A decimal without leading zeros and below 10^8, as RE2 reads repeat counts. */
  private integer(): number | null {
    if (!isDigit(this.peek())) return null;
    if (this.peek() === code('0') && isDigit(this.peek(1))) return null;
    let n = 0;
    while (isDigit(this.peek())) {
      if (n >= 100_000_000) return null;
      n = n * 10 + this.next() - 0x30;
    }
    return n;
  }

  private parsePerlFlags(): void {
    const start = this.i;
    const rest = this.r.length - start;
    const c2 = this.peek(2);
    const c3 = this.peek(3);
    // Look-arounds get their own text: `(?=`, `(?!`, `(?<=`, `(?<!`.
    if (rest > 3 && (c2 === code('=') || c2 === code('!') || (c2 === code('<') && (c3 === code('=') || c3 === code('!'))))) {
      throw new Re2Error('badPerlOp', this.text(start, start + (c2 === code('<') ? 4 : 3)));
    }
    if ((rest > 4 && c2 === code('P') && c3 === code('<')) || (rest > 3 && c2 === code('<'))) {
      this.parseNamedCapture(start, c2 === code('P') ? 4 : 3);
      return;
    }
    this.i += 2;
    let negated = false;
    let sawFlag = false;
    let fold = this.frame.fold;
    for (;;) {
      if (this.i >= this.r.length) throw new Re2Error('badPerlOp', this.text(start));
      const c = this.next();
      if (c === code('i') || c === code('m') || c === code('s') || c === code('U')) {
        sawFlag = true;
        if (c === code('i')) fold = !negated;
      } else if (c === code('-')) {
        if (negated) throw new Re2Error('badPerlOp', this.text(start));
        negated = true;
        sawFlag = false;
      } else if (c === code(':') || c === code(')')) {
        if (negated && !sawFlag) throw new Re2Error('badPerlOp', this.text(start));
        if (c === code(':')) this.openFrame(false, fold);
        else this.frame.fold = fold;
        return;
      } else throw new Re2Error('badPerlOp', this.text(start));
    }
  }

  /** `(?P<name>` or `(?<name>`: the name is one or more word runes. */
  private parseNamedCapture(start: number, nameStart: number): void {
    const close = this.r.indexOf(code('>'), start + 2);
    if (close < 0) throw new Re2Error('badNamedCapture', this.text(start, this.r.length));
    const name = [...this.r.subarray(start + nameStart, close)];
    if (name.length === 0 || !name.every((c) => NAME_RUNE.test(String.fromCharCode(c)))) {
      throw new Re2Error('badNamedCapture', this.text(start, close + 1));
    }
    this.i = close + 1;
    this.openFrame(true);
  }

  private parseBackslash(): void {
    const c1 = this.peek(1);
    if (c1 === code('b') || c1 === code('B') || c1 === code('A') || c1 === code('z') || c1 === code('C')) {
      this.i += 2;
      this.push(1);
      return;
    }
    if (c1 === code('Q')) {
      // \Q...\E: everything up to \E (or the end) is literal.
      this.i += 2;
      while (this.i < this.r.length) {
        if (this.peek() === code('\\') && this.peek(1) === code('E')) {
          this.i += 2;
          break;
        }
        this.pushRune(this.next());
      }
      return;
    }
    const set = c1 === code('p') || c1 === code('P') ? this.parseUnicodeGroup() : this.maybePerlClass();
    if (set) this.push(classSize(this.frame.fold ? foldCase(set) : set));
    else this.pushRune(this.parseEscape());
  }

  /** `\d \s \w` and their negations, or null when the text is something else. */
  private maybePerlClass(): RuneSet | null {
    const c1 = this.peek(1);
    if (this.peek() !== code('\\') || c1 === undefined || !'dDsSwW'.includes(String.fromCharCode(c1))) return null;
    this.i += 2;
    return perlClass(String.fromCharCode(c1));
  }

  /** `\pN`, `\p{Name}`, `\p{^Name}` and the `\P` forms. */
  private parseUnicodeGroup(): RuneSet {
    const start = this.i;
    let negated = this.peek(1) === code('P');
    this.i += 2;
    if (this.i >= this.r.length) throw new Re2Error('badCharRange', this.text(start));
    let name: string;
    if (this.peek() !== code('{')) {
      name = this.text(this.i, this.i + 1);
      this.i++;
    } else {
      const close = this.r.indexOf(code('}'), this.i);
      if (close < 0) throw new Re2Error('badCharRange', this.text(start, this.r.length));
      name = this.text(this.i + 1, close);
      this.i = close + 1;
    }
    if (name.startsWith('^')) {
      name = name.slice(1);
      negated = !negated;
    }
    if (!RE2_UNICODE_GROUPS.has(name)) throw new Re2Error('badCharRange', this.text(start));
    const set = unicodeGroup(name);
    return negated ? negate(set) : set;
  }

  /** One escaped rune (`\n`, `\x41`, `\x{41}`, `\101`, `\.`); returns its value. */
  private parseEscape(): number {
    const start = this.i;
    if (this.r.length - this.i === 1) throw new Re2Error('trailingBackslash');
    this.i++;
    const c = this.next();
    const bad = (): never => {
      throw new Re2Error('badEscape', this.text(start));
    };
    if (c >= code('1') && c <= code('7') && !isOctal(this.peek())) return bad();
    if (c >= code('0') && c <= code('7')) {
      let value = c - 0x30;
      for (let k = 0; k < 2 && isOctal(this.peek()); k++) value = value * 8 + this.next() - 0x30;
      return value > RUNE_MAX ? bad() : value;
    }
    if (c === code('x')) return this.parseHexEscape(bad);
    const simple: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };
    const letter = String.fromCharCode(c);
    if (letter in simple) return simple[letter]!;
    // Escaped punctuation stands for itself; `\_` is allowed too. Letters and digits are not.
    if (c < 0x80 && !isAlpha(c) && !isDigit(c)) return c;
    return bad();
  }

  private parseHexEscape(bad: () => never): number {
    if (this.i >= this.r.length) return bad();
    let c = this.next();
    if (c === code('{')) {
      c = this.next();
      let digits = 0;
      let value = 0;
      while (isHex(c)) {
        digits++;
        value = value * 16 + parseInt(String.fromCharCode(c), 16);
        if (value > RUNE_MAX || this.i >= this.r.length) return bad();
        c = this.next();
      }
      return c !== code('}') || digits === 0 ? bad() : value;
    }
    if (this.i >= this.r.length) return bad();
    const c1 = this.next();
    return isHex(c) && isHex(c1) ? parseInt(String.fromCharCode(c, c1), 16) : bad();
  }

  /** A bracketed class; returns its runes, folded and negated as RE2 builds it. */
  private parseCharClass(): RuneSet {
    const start = this.i;
    const set = emptySet();
    this.i++;
    const negated = this.peek() === code('^');
    if (negated) this.i++;
    let first = true;
    while (this.i < this.r.length && (this.peek() !== code(']') || first)) {
      first = false;
      const posix = this.r.length - this.i > 2 && this.peek() === code('[') && this.peek(1) === code(':') ? this.maybePosixClass() : null;
      if (posix) {
        addSet(set, posix);
        continue;
      }
      if (this.r.length - this.i > 2 && this.peek() === code('\\') && (this.peek(1) === code('p') || this.peek(1) === code('P'))) {
        addSet(set, this.parseUnicodeGroup());
        continue;
      }
      const perl = this.maybePerlClass();
      if (perl) addSet(set, perl);
      else this.parseClassRange(start, set);
    }
    if (this.i >= this.r.length) throw new Re2Error('missingBracket', this.text(start, this.r.length));
    this.i++;
    const folded = this.frame.fold ? foldCase(set) : set;
    return negated ? negate(folded) : folded;
  }

  /** `[:alpha:]` or `[:^alpha:]` inside a class; null when there is no closing `:]`. */
  private maybePosixClass(): RuneSet | null {
    let close = -1;
    for (let k = this.i + 2; k + 1 < this.r.length; k++) {
      if (this.r[k] === code(':') && this.r[k + 1] === code(']')) {
        close = k;
        break;
      }
    }
    if (close < 0) return null;
    const whole = this.text(this.i, close + 2);
    const spelled = this.text(this.i + 2, close);
    const name = spelled.replace(/^\^/, '');
    if (!RE2_POSIX_CLASSES.has(name)) throw new Re2Error('badCharRange', whole);
    this.i = close + 2;
    return posixClass(name, name !== spelled);
  }

  private parseClassRange(classStart: number, set: RuneSet): void {
    const start = this.i;
    const lo = this.classRune(classStart);
    let hi = lo;
    if (this.r.length - this.i >= 2 && this.peek() === code('-') && this.peek(1) !== code(']')) {
      this.i++;
      hi = this.classRune(classStart);
      if (hi < lo) throw new Re2Error('badCharRange', this.text(start));
    }
    addRange(set, lo, hi);
  }

  private classRune(classStart: number): number {
    if (this.i >= this.r.length) throw new Re2Error('missingBracket', this.text(classStart, this.r.length));
    if (this.peek() === code('\\')) return this.parseEscape();
    return this.next();
  }
}

/**
 * Bound for `x{min,max}` of an operand of `size` instructions: RE2 writes out `min` copies, then
 * `max - min` optional ones (each an alternation), or one loop for an open upper end.
 */
function repetitionSize(size: number, min: number, max: number): number {
  if (max === -1) return (min === 0 ? size : min * size) + 2;
  return min * size + (max - min) * (size + 2) + 1;
}

/** RE2's verdict on `pattern` as Envoy compiles it, with the size bound of its program. */
export function checkRe2Syntax(pattern: string): Re2SyntaxResult {
  try {
    return { ok: true, instructions: new Parser(new TextEncoder().encode(pattern)).parse() };
  } catch (err) {
    if (err instanceof Re2Error) return { ok: false, error: err.message };
    throw err;
  }
}
