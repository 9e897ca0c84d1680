import { describe, expect, it } from 'vitest';
import { parseUntrustedYaml } from './untrusted-yaml.js';

describe('parseUntrustedYaml', () => {
  it('parses an ordinary document', () => {
    expect(parseUntrustedYaml('type: Dataplane\nmesh: default\nname: a\n')).toEqual({ ok: true, value: { type: 'Dataplane', mesh: 'default', name: 'a' } });
  });

  it.each([
    ['deep nesting, before parsing', '{"a":'.repeat(20_000), /^nesting deeper than 64 levels at line 1, column 321$/],
    ['duplicate keys', 'a: 1\nb: 2\na: 3\n', /^Map keys must be unique at line 3, column 1$/],
    ['a billion laughs', ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${'bcdefghi'[i]}: &${'bcdefghi'[i]} [${`*${'abcdefgh'[i]}, `.repeat(9)}*${'abcdefgh'[i]}]`)].join('\n'), /alias/i],
    ['too many anchors', Array.from({ length: 1001 }, (_, i) => `k${i}: &a${i} 1`).join('\n'), /^too many anchors and aliases: at most 1000 per document$/],
    ['an alias inside its own anchor', 'a: &a [1, *a]', /.+/],
    ['syntax errors', 'a: "unclosed', /line 1/],
  ])('refuses %s with a message', (_name, text, message) => {
    const r = parseUntrustedYaml(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });
});
