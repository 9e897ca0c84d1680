// The RE2 syntax check Envoy applies to every `safe_regex`, reproduced so that a route Envoy would
// NACK is refused when it is written (docs/regex.md). It follows RE2's parser rule for rule and
// returns RE2's own message (`missing ): (a`, `invalid perl operator: (?=`), because that is what
// the user would otherwise find in a NACK. Envoy 1.40 compiles these regexes with Latin-1 runes
// (found by experiment: `\x{100}` is an invalid escape there), so the pattern's UTF-8 bytes are
// the runes here too, and error text shows each byte as the Latin-1 character RE2 prints.
// Every branch is pinned by a row of regex.test.ts, and each row is loaded into the real Envoy by
// regex-envoy.test.ts.

import { RE2_POSIX_CLASSES, RE2_UNICODE_GROUPS } from './re2-unicode-groups.js';

/** The outcome of checking one pattern: RE2's error text when RE2 would refuse it. */
export type Re2SyntaxResult = { readonly ok: true } | { readonly ok: false; readonly error: string };

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

/** What the parser keeps per parenthesised level: the largest nested repeat product so far. */
interface Frame {
  /** Largest product of the `{n,m}` counts nested in one item of the current concatenation. */
  items: number[];
  /** Largest product over the level's finished alternatives. */
  done: number;
}

const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;
const isOctal = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x37;
const isHex = (c: number | undefined): boolean => c !== undefined && /^[0-9A-Fa-f]$/.test(String.fromCharCode(c));
const isAlpha = (c: number): boolean => /^[A-Za-z]$/.test(String.fromCharCode(c));
const code = (s: string): number => s.charCodeAt(0);
// Capture names may hold letters, marks, decimal and letter numbers, and connector punctuation.
const NAME_RUNE = /^[\p{L}\p{Mn}\p{Mc}\p{Nd}\p{Nl}\p{Pc}]$/u;

class Parser {
  private i = 0;
  private readonly frames: Frame[] = [{ items: [], done: 0 }];

  constructor(private readonly r: Uint8Array) {}

  /** RE2's text for runes [from, to): each Latin-1 rune as its character. */
  private text(from: number, to = this.i): string {
    return String.fromCharCode(...this.r.subarray(from, to));
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

  parse(): void {
    let lastRepeat = -1;
    while (this.i < this.r.length) {
      const start = this.i;
      let isRepeat = -1;
      switch (this.peek()) {
        case code('('):
          if (this.peek(1) === code('?')) this.parsePerlFlags();
          else this.openGroup();
          break;
        case code('|'):
          this.i++;
          this.alternate();
          break;
        case code(')'):
          this.i++;
          this.closeGroup();
          break;
        case code('['):
          this.parseCharClass();
          this.push(1);
          break;
        case code('*'):
        case code('+'):
        case code('?'):
          this.i++;
          this.checkRepeatOp(lastRepeat);
          this.repeat(start, 1);
          isRepeat = start;
          break;
        case code('{'): {
          const counts = this.maybeRepeatCounts();
          if (!counts) {
            this.i++;
            this.push(1);
            break;
          }
          this.checkRepeatOp(lastRepeat);
          this.repetition(start, counts[0], counts[1]);
          isRepeat = start;
          break;
        }
        case code('\\'):
          this.parseBackslash();
          break;
        default:
          this.i++;
          this.push(1);
      }
      lastRepeat = isRepeat;
    }
    this.alternate();
    if (this.frames.length > 1) throw new Re2Error('missingParen', this.text(0, this.r.length));
  }

  /** An operand with the given nested repeat product. */
  private push(product: number): void {
    this.frame.items.push(product);
  }

  private openGroup(): void {
    this.i++;
    this.frames.push({ items: [], done: 0 });
  }

  private alternate(): void {
    const f = this.frame;
    f.done = Math.max(f.done, ...f.items);
    f.items = [];
  }

  private closeGroup(): void {
    this.alternate();
    if (this.frames.length === 1) throw new Re2Error('unexpectedParen', this.text(0, this.r.length));
    const closed = this.frames.pop()!;
    this.push(Math.max(1, closed.done));
  }

  /** Perl forbids stacking repetition operators (`a**`, `a*+`, `a{2}{3}`). */
  private checkRepeatOp(lastRepeat: number): void {
    if (this.peek() === code('?')) this.i++;
    if (lastRepeat >= 0) throw new Re2Error('repeatOp', this.text(lastRepeat));
  }

  private repeat(start: number, factor: number): void {
    const items = this.frame.items;
    if (items.length === 0) throw new Re2Error('repeatArgument', this.text(start));
    items[items.length - 1] = items[items.length - 1]! * factor;
  }

  private repetition(start: number, min: number, max: number): void {
    const op = this.text(start);
    if ((max !== -1 && max < min) || min > MAX_REPEAT || max > MAX_REPEAT) throw new Re2Error('repeatSize', op);
    const items = this.frame.items;
    if (items.length === 0) throw new Re2Error('repeatArgument', op);
    // RE2 refuses a repetition whose nested counts multiply to more than 1000: `(a{100}){11}`.
    const factor = max === -1 ? min : max;
    const product = items[items.length - 1]! * Math.max(1, factor);
    if ((min >= 2 || max >= 2) && product > MAX_REPEAT) throw new Re2Error('repeatSize', op);
    items[items.length - 1] = product;
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
    for (;;) {
      if (this.i >= this.r.length) throw new Re2Error('badPerlOp', this.text(start));
      const c = this.next();
      if (c === code('i') || c === code('m') || c === code('s') || c === code('U')) sawFlag = true;
      else if (c === code('-')) {
        if (negated) throw new Re2Error('badPerlOp', this.text(start));
        negated = true;
        sawFlag = false;
      } else if (c === code(':') || c === code(')')) {
        if (negated && !sawFlag) throw new Re2Error('badPerlOp', this.text(start));
        if (c === code(':')) this.frames.push({ items: [], done: 0 });
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
    this.frames.push({ items: [], done: 0 });
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
        this.i++;
        this.push(1);
      }
      return;
    }
    if (c1 === code('p') || c1 === code('P')) {
      this.parseUnicodeGroup();
      this.push(1);
      return;
    }
    if (this.maybePerlClass()) {
      this.push(1);
      return;
    }
    this.parseEscape();
    this.push(1);
  }

  /** `\d \s \w` and their negations. */
  private maybePerlClass(): boolean {
    const c1 = this.peek(1);
    if (this.peek() !== code('\\') || c1 === undefined || !'dDsSwW'.includes(String.fromCharCode(c1))) return false;
    this.i += 2;
    return true;
  }

  /** `\pN`, `\p{Name}`, `\p{^Name}` and the `\P` forms. */
  private parseUnicodeGroup(): void {
    const start = this.i;
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
    if (name.startsWith('^')) name = name.slice(1);
    if (!RE2_UNICODE_GROUPS.has(name)) throw new Re2Error('badCharRange', this.text(start));
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

  private parseCharClass(): void {
    const start = this.i;
    this.i++;
    if (this.peek() === code('^')) this.i++;
    let first = true;
    while (this.i < this.r.length && (this.peek() !== code(']') || first)) {
      first = false;
      if (this.r.length - this.i > 2 && this.peek() === code('[') && this.peek(1) === code(':') && this.maybePosixClass()) continue;
      if (this.r.length - this.i > 2 && this.peek() === code('\\') && (this.peek(1) === code('p') || this.peek(1) === code('P'))) {
        this.parseUnicodeGroup();
        continue;
      }
      if (this.maybePerlClass()) continue;
      this.parseClassRange(start);
    }
    if (this.i >= this.r.length) throw new Re2Error('missingBracket', this.text(start, this.r.length));
    this.i++;
  }

  /** `[:alpha:]` or `[:^alpha:]` inside a class; false when there is no closing `:]`. */
  private maybePosixClass(): boolean {
    let close = -1;
    for (let k = this.i + 2; k + 1 < this.r.length; k++) {
      if (this.r[k] === code(':') && this.r[k + 1] === code(']')) {
        close = k;
        break;
      }
    }
    if (close < 0) return false;
    const whole = this.text(this.i, close + 2);
    const name = this.text(this.i + 2, close).replace(/^\^/, '');
    if (!RE2_POSIX_CLASSES.has(name)) throw new Re2Error('badCharRange', whole);
    this.i = close + 2;
    return true;
  }

  private parseClassRange(classStart: number): void {
    const start = this.i;
    const lo = this.classRune(classStart);
    if (this.r.length - this.i >= 2 && this.peek() === code('-') && this.peek(1) !== code(']')) {
      this.i++;
      const hi = this.classRune(classStart);
      if (hi < lo) throw new Re2Error('badCharRange', this.text(start));
    }
  }

  private classRune(classStart: number): number {
    if (this.i >= this.r.length) throw new Re2Error('missingBracket', this.text(classStart, this.r.length));
    if (this.peek() === code('\\')) return this.parseEscape();
    return this.next();
  }
}

/** RE2's verdict on `pattern` as Envoy compiles it. */
export function checkRe2Syntax(pattern: string): Re2SyntaxResult {
  try {
    new Parser(new TextEncoder().encode(pattern)).parse();
    return { ok: true };
  } catch (err) {
    if (err instanceof Re2Error) return { ok: false, error: err.message };
    throw err;
  }
}
