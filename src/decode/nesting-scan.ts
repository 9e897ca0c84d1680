// A linear, non-recursive pre-scan of untrusted YAML or JSON text that finds nesting deeper than
// a limit, or more values than a limit, before any recursive parser sees the text. The `yaml` library composes documents
// recursively; a few thousand levels (a 200 KB `{"a":{"a":...}}`) exhaust the stack and have
// aborted the process with an out-of-memory error instead of a catchable exception.
//
// The scan follows just enough of YAML to count levels: flow collections (`[`, `{`, which also
// covers JSON), block collections (one level per indentation step, `- ` entry, `key:` mapping,
// including compact `- - a` and `- a: b` forms), quoted scalars, comments, block scalars (`|`,
// `>`) and document markers. It errs towards counting too many levels, never too few, with one
// bounded exception: a single-pair mapping inside a flow sequence (`[a: [b: c]]`) counts as one
// level, so real depth is at most twice the count.

/** Where the text first passes a limit. */
export interface TextLimitExceeded {
  /** `depth`: nested deeper than maxDepth; `values`: holds more than maxValues values. */
  readonly limit: 'depth' | 'values';
  /** The depth or value count reached, the limit + 1. */
  readonly reached: number;
  /** 1-based line and column of the character that opened the level or started the value. */
  readonly line: number;
  readonly column: number;
}

/** Limits of scanText. */
export interface TextLimits {
  readonly maxDepth: number;
  /**
   * Most values (collection entries, counted by `,` in flow collections and by entry lines in
   * block ones) in the text. The parser costs about a kilobyte and microseconds per value, so a
   * 5 MiB body of `[1,1,1,...]` (2.6 million values) would take gigabytes and a minute.
   */
  readonly maxValues: number;
}

interface Level {
  readonly indent: number;
  readonly kind: 'seq' | 'map';
}

/** The first place where `text` passes one of the limits, or undefined when it never does. */
export function scanText(text: string, limits: TextLimits): TextLimitExceeded | undefined {
  return new Scanner(text, limits).run();
}

class Scanner {
  private readonly block: Level[] = [];
  private flow = 0;
  private quote: '"' | "'" | undefined;
  /** Block indent that an open flow collection or quoted scalar belongs to; -1 at top level. */
  private regionIndent = -1;
  /** Lines indented more than this belong to a block scalar (`|`, `>`). */
  private blockScalarIndent: number | undefined;
  /** True where a flow node may start (after `[`, `{`, `,`, `: `, or an anchor or tag). */
  private nodeStart = true;
  /** True right after a quoted scalar, where `:` is a value indicator even without a space (JSON). */
  private afterQuoted = false;
  private line = 0;
  private lineStart = 0;
  private values = 0;
  private found: TextLimitExceeded | undefined;

  constructor(
    private readonly text: string,
    private readonly limits: TextLimits,
  ) {}

  run(): TextLimitExceeded | undefined {
    const { text } = this;
    while (this.lineStart <= text.length && !this.found) {
      const newline = text.indexOf('\n', this.lineStart);
      const end = newline === -1 ? text.length : newline;
      this.line++;
      this.scanLine(end);
      this.lineStart = end + 1;
    }
    return this.found;
  }

  private scanLine(end: number): void {
    const indent = this.indentOf(end);
    const content = this.lineStart + indent;
    const empty = content >= end || this.text[content] === '\r';
    const comment = !empty && this.text[content] === '#';
    if (this.isDocumentMarker(end)) return this.startDocument(end);
    if (this.blockScalarIndent !== undefined) {
      if (empty || indent > this.blockScalarIndent) return;
      this.blockScalarIndent = undefined;
    }
    // A quoted scalar or flow collection may not continue at or left of its block's indent; a
    // line there ends it, whatever it holds (`#` inside quotes is text, not a comment).
    if (this.quote !== undefined) {
      if (empty || indent > this.regionIndent) return this.scanInline(this.lineStart, end);
      this.quote = undefined;
      this.flow = 0;
    } else if (this.flow > 0) {
      if (empty || comment || indent > this.regionIndent) return this.scanInline(this.lineStart, end);
      this.flow = 0;
    }
    if (empty || comment || this.text[content] === '%') return;
    this.count(content);
    this.scanBlockLine(indent, content, end);
  }

  /** Leading spaces and tabs (tabs count as one column; YAML rejects them there anyway). */
  private indentOf(end: number): number {
    let i = this.lineStart;
    while (i < end && (this.text[i] === ' ' || this.text[i] === '\t')) i++;
    return i - this.lineStart;
  }

  private isDocumentMarker(end: number): boolean {
    const head = this.text.slice(this.lineStart, this.lineStart + 3);
    const after = this.text[this.lineStart + 3];
    return (head === '---' || head === '...') && (this.lineStart + 3 >= end || after === ' ' || after === '\t' || after === '\r');
  }

  /** `---` or `...`: everything open ends; the rest of a `---` line is the new document's root. */
  private startDocument(end: number): void {
    this.block.length = 0;
    this.flow = 0;
    this.quote = undefined;
    this.blockScalarIndent = undefined;
    this.regionIndent = -1;
    this.nodeStart = true;
    this.scanValue(this.lineStart + 3, end, -1);
  }

  /** One line in block context: close deeper levels, then open the ones this line starts. */
  private scanBlockLine(indent: number, content: number, end: number): void {
    const dash = this.isIndicator(content, end, '-');
    while (this.top() && this.top()!.indent > indent) this.block.pop();
    const top = this.top();
    if (top && top.indent === indent && top.kind === 'seq' && !dash) this.block.pop();
    let p = content;
    while (!this.found && (this.isIndicator(p, end, '-') || this.isIndicator(p, end, '?') || this.isIndicator(p, end, ':'))) {
      this.open(p - this.lineStart, this.text[p] === '-' ? 'seq' : 'map', p);
      if (p !== content) this.count(p);
      p = this.skipSpaces(p + 1, end);
    }
    if (this.found || p >= end) return;
    const keyEnd = this.implicitKeyEnd(p, end);
    if (keyEnd === undefined) return this.scanValue(p, end, this.top()?.indent ?? -1);
    this.open(p - this.lineStart, 'map', p);
    this.scanValue(keyEnd + 1, end, p - this.lineStart);
  }

  /**
   * A node value starting at `from`: a flow collection or quoted scalar is scanned inline, a block
   * scalar makes the following more-indented lines opaque, anything else is a plain scalar.
   * `indent` is the block indent the value belongs to.
   */
  private scanValue(from: number, end: number, indent: number): void {
    let p = this.skipSpaces(from, end);
    while (p < end && (this.text[p] === '&' || this.text[p] === '!')) p = this.skipSpaces(this.skipToken(p, end), end);
    const c = this.text[p];
    if (c === '|' || c === '>') {
      this.blockScalarIndent = Math.max(indent, this.top()?.indent ?? -1);
      return;
    }
    if (c === '[' || c === '{' || c === '"' || c === "'") {
      this.regionIndent = Math.max(indent, this.top()?.indent ?? -1);
      this.nodeStart = true;
      this.scanInline(p, end);
    }
  }

  /** Flow context and quoted scalars, character by character. */
  private scanInline(from: number, end: number): void {
    const { text } = this;
    for (let p = from; p < end && !this.found; p++) {
      const c = text[p]!;
      if (this.quote === '"') {
        if (c === '\\') p++;
        else if (c === '"') this.endQuote();
        continue;
      }
      if (this.quote === "'") {
        if (c === "'" && text[p + 1] === "'") p++;
        else if (c === "'") this.endQuote();
        continue;
      }
      if (c === ' ' || c === '\t' || c === '\r') continue;
      const afterQuoted = this.afterQuoted;
      this.afterQuoted = false;
      if (c === '#' && (p === this.lineStart || text[p - 1] === ' ' || text[p - 1] === '\t')) return;
      if ((c === '"' || c === "'") && this.nodeStart) {
        this.quote = c;
      } else if (c === '[' || c === '{') {
        this.flow++;
        this.check(p);
        this.count(p);
        this.nodeStart = true;
      } else if (c === ']' || c === '}') {
        this.flow = Math.max(0, this.flow - 1);
        this.nodeStart = false;
      } else if (c === ',') {
        this.count(p);
        this.nodeStart = true;
      } else if (c === ':' && (afterQuoted || p + 1 >= end || ' \t\r,[]{}'.includes(text[p + 1]!))) {
        // A value indicator; `:` followed by anything else is part of a plain scalar (`{ :": x }`).
        this.nodeStart = true;
      } else if ((c === '&' || c === '!') && this.nodeStart) {
        p = this.skipToken(p, end) - 1;
      } else {
        this.nodeStart = false;
      }
    }
  }

  private endQuote(): void {
    this.quote = undefined;
    this.nodeStart = false;
    this.afterQuoted = true;
  }

  /**
   * End of an implicit mapping key starting at `p` (the index of its `:`), or undefined when the
   * line holds no `key:`. Quoted keys are skipped whole; plain keys end at the first `: `.
   */
  private implicitKeyEnd(p: number, end: number): number | undefined {
    const { text } = this;
    let i = p;
    const c = text[p];
    if (c === '"' || c === "'") {
      i = p + 1;
      while (i < end) {
        if (c === '"' && text[i] === '\\') i += 2;
        else if (text[i] === c && c === "'" && text[i + 1] === "'") i += 2;
        else if (text[i] === c) break;
        else i++;
      }
      if (i >= end) return undefined;
      i = this.skipSpaces(i + 1, end);
      return text[i] === ':' ? i : undefined;
    }
    if (c === '[' || c === '{' || c === '&' || c === '!' || c === '*' || c === '|' || c === '>') return undefined;
    for (; i < end; i++) {
      if (text[i] === '#' && (text[i - 1] === ' ' || text[i - 1] === '\t')) return undefined;
      if (text[i] === ':' && (i + 1 >= end || text[i + 1] === ' ' || text[i + 1] === '\t' || text[i + 1] === '\r')) return i;
    }
    return undefined;
  }

  /** True when `text[p]` is `indicator` followed by whitespace or the end of the line. */
  private isIndicator(p: number, end: number, indicator: string): boolean {
    const next = this.text[p + 1];
    return this.text[p] === indicator && (p + 1 >= end || next === ' ' || next === '\t' || next === '\r');
  }

  /** A block collection at `indent` of `kind`: the one already open there, or a new level. */
  private open(indent: number, kind: Level['kind'], at: number): void {
    const top = this.top();
    if (top && top.indent === indent && top.kind === kind) return;
    this.block.push({ indent, kind });
    this.check(at);
  }

  private check(at: number): void {
    const depth = this.block.length + this.flow;
    if (depth > this.limits.maxDepth) this.exceeded('depth', depth, at);
  }

  private count(at: number): void {
    this.values++;
    if (this.values > this.limits.maxValues) this.exceeded('values', this.values, at);
  }

  private exceeded(limit: TextLimitExceeded['limit'], reached: number, at: number): void {
    this.found ??= { limit, reached, line: this.line, column: at - this.lineStart + 1 };
  }

  private top(): Level | undefined {
    return this.block[this.block.length - 1];
  }

  private skipSpaces(p: number, end: number): number {
    while (p < end && (this.text[p] === ' ' || this.text[p] === '\t')) p++;
    return p;
  }

  /** Past an anchor, tag or other token that ends at whitespace or a flow indicator. */
  private skipToken(p: number, end: number): number {
    let i = p + 1;
    while (i < end && !' \t\r,[]{}'.includes(this.text[i]!)) i++;
    return i;
  }
}
