import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { scanText, type TextLimitExceeded } from './nesting-scan.js';

/** The place where `text` nests deeper than `maxDepth`, as { depth, line, column }. */
function findExcessNesting(text: string, maxDepth: number): { depth: number; line: number; column: number } | undefined {
  const found: TextLimitExceeded | undefined = scanText(text, { maxDepth, maxValues: Infinity });
  return found && { depth: found.reached, line: found.line, column: found.column };
}

/** Nesting depth of a plain value: a scalar is 0, a collection one more than its deepest child. */
function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...children.map(depthOf));
}

/** The depth the scanner counts: the smallest limit it accepts. */
function scannedDepth(text: string): number {
  let limit = 0;
  while (findExcessNesting(text, limit)) limit++;
  return limit;
}

const scalar = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', ' ', ':', '#', '[', ']', '{', '}', '"', "'", '-', '\\', '|', '>', ',', '&', '*', '!', '\n') }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const key = fc.string({ unit: fc.constantFrom('a', 'b', ' ', ':', '#', '[', '{', '"', "'", '-'), minLength: 1, maxLength: 6 });
const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('array'), tie('object')),
  array: fc.array(tie('tree'), { maxLength: 3 }),
  object: fc.dictionary(key, tie('tree'), { maxKeys: 3 }),
}));

describe('findExcessNesting', () => {
  // Never fewer levels than there are; exactly as many for a collection at the root. (A bare
  // multi-line plain scalar at the root may count one level too many: `:` opening a line.)
  it('counts the depth of YAML and JSON written by real serialisers', () => {
    fc.assert(
      fc.property(tree, fc.constantFrom('block', 'flow', 'json'), (value, style) => {
        const text =
          style === 'json' ? JSON.stringify(value, null, 2) : stringify(value, { collectionStyle: style === 'flow' ? 'flow' : 'block', lineWidth: 20 });
        const scanned = scannedDepth(text);
        if (typeof value === 'object' && value !== null) expect(scanned).toBe(depthOf(value));
        else expect(scanned).toBeGreaterThanOrEqual(depthOf(value));
      }),
      { seed: 7, numRuns: 2000 },
    );
  });

  it.each([
    ['JSON objects', '{"a":'.repeat(65) + '1' + '}'.repeat(65), 1, 321],
    ['JSON arrays on one line', '['.repeat(70) + ']'.repeat(70), 1, 65],
    ['block mappings', Array.from({ length: 65 }, (_, i) => `${' '.repeat(i)}a:`).join('\n'), 65, 65],
    ['compact sequences', `${'- '.repeat(65)}x`, 1, 129],
    ['sequences at their key indent', ['a:', ...Array.from({ length: 32 }, (_, i) => `${' '.repeat(2 * i)}- a:`)].join('\n'), 33, 65],
  ])('rejects %s nested 65 deep at the 64 limit, naming where', (_name, text, line, column) => {
    expect(findExcessNesting(text, 64)).toEqual({ depth: 65, line, column });
  });

  it.each([
    ['brackets inside quoted strings', `a: "${'['.repeat(100)}"\nb: '${'{'.repeat(100)}'\n`],
    ['closing brackets inside strings before real nesting', `["${']'.repeat(100)}", ${'['.repeat(60)}${']'.repeat(60)}]`],
    ['brackets inside a block scalar', `a: |\n  ${'['.repeat(100)}\n  "\nb: 1\n`],
    ['brackets inside comments and plain scalars', `# ${'['.repeat(100)}\na: x[[[[[[ # {{{{{{\nb: it's {{{{\n`],
  ])('ignores %s', (_name, text) => {
    expect(findExcessNesting(text, 64)).toBeUndefined();
  });

  it.each([
    ['an unclosed quote cannot hide what follows at a lower indent', `a:\n  b: "x\nc: ${'['.repeat(65)}`],
    ['a block scalar ends at the first line left of it', `a: |\n  text\nb: ${'['.repeat(65)}`],
    ['a document marker ends every open region', `a: "${'\n---\n'}${'['.repeat(65)}`],
    ['a flow collection may continue at any deeper indent', `a: [\n\t${'[\n\t'.repeat(64)}`],
    ['a comment line does not end a flow collection', `a: [\n# x\n${'[ '.repeat(64)}`],
    ['a quote inside a flow plain scalar is text', `[a 'b, ${'['.repeat(64)}`],
  ])('does not under-count: %s', (_name, text) => {
    expect(findExcessNesting(text, 64)).toBeDefined();
  });

  it.each([
    ['a flow sequence (its line counts too)', `[${'1,'.repeat(98)}1]`, 1, 197],
    ['block sequence entries', '- 1\n'.repeat(100), 100, 1],
    ['block mapping entries', Array.from({ length: 100 }, (_, i) => `k${i}: 1`).join('\n'), 100, 1],
  ])('counts the values of %s', (_name, text, line, column) => {
    expect(scanText(text, { maxDepth: 64, maxValues: 100 })).toBeUndefined();
    expect(scanText(text, { maxDepth: 64, maxValues: 99 })).toEqual({ limit: 'values', reached: 100, line, column });
  });

  it('scans a 10 MiB single line without recursion', () => {
    const text = '['.repeat(10 * 1024 * 1024);
    expect(findExcessNesting(text, 64)?.column).toBe(65);
  });
});
