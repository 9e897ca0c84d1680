import { describe, expect, it } from 'vitest';
import { bodyFormat, parseDocuments, parseSingleDocument } from './body.js';

describe('bodyFormat', () => {
  it('maps media types to formats and refuses the rest', () => {
    expect(bodyFormat('application/json; charset=utf-8')).toBe('json');
    expect(bodyFormat('application/merge-patch+json')).toBe('json');
    expect(bodyFormat('application/yaml')).toBe('yaml');
    expect(bodyFormat('text/x-yaml')).toBe('yaml');
    expect(bodyFormat(undefined)).toBe('yaml');
    expect(bodyFormat('text/plain')).toBeUndefined();
  });
});

describe('parseSingleDocument', () => {
  it('decodes JSON and rejects YAML-only syntax under application/json', () => {
    expect(parseSingleDocument('{"a": [1, "x"]}', 'json')).toEqual({ ok: true, value: { a: [1, 'x'] } });
    const r = parseSingleDocument('{"a": b}', 'json');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.violations[0]?.message).toMatch(/^invalid JSON: .* at line 1, column 7$/);
  });

  it('rejects tabs as indentation with the position', () => {
    const r = parseSingleDocument('a:\n\t- x\n', 'yaml');
    expect(r).toEqual({ ok: false, violations: [{ field: '', message: 'invalid YAML: Tabs are not allowed as indentation at line 2, column 1' }] });
  });

  it('rejects an empty body and alias bombs', () => {
    expect(parseSingleDocument('  \n', 'yaml')).toEqual({ ok: false, violations: [{ field: '', message: 'request body is empty' }] });
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++) lines.push(`${'b'.repeat(i + 1)}: &${'b'.repeat(i + 1)} [${Array(10).fill(i === 0 ? '*a' : `*${'b'.repeat(i)}`).join(', ')}]`);
    expect(parseSingleDocument(lines.join('\n'), 'yaml').ok).toBe(false);
  });
});

describe('parseDocuments', () => {
  it('skips empty documents but keeps their positions', () => {
    const r = parseDocuments('a: 1\n---\n---\nb: 2\n', 'yaml');
    expect(r).toEqual({ ok: true, value: [{ index: 0, value: { a: 1 } }, { index: 2, value: { b: 2 } }] });
  });

  it('places syntax errors at items[i]', () => {
    const r = parseDocuments('a: 1\n---\nb: 1\nb: 2\n', 'yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.violations.map((v) => v.field)).toEqual(['items[1]']);
  });
});

describe('limits of docs/limits.md', () => {
  const message = (r: ReturnType<typeof parseSingleDocument> | ReturnType<typeof parseDocuments>) => (r.ok ? undefined : r.violations);

  it('refuses nesting past 64 levels before parsing, naming the limit and the place', () => {
    const deep = '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000);
    expect(message(parseSingleDocument(deep, 'json'))).toEqual([{ field: '', message: 'nesting deeper than 64 levels at line 1, column 321' }]);
    const block = Array.from({ length: 65 }, (_, i) => `${' '.repeat(i)}a:`).join('\n');
    expect(message(parseDocuments(block, 'yaml'))).toEqual([{ field: '', message: 'nesting deeper than 64 levels at line 65, column 65' }]);
    expect(parseSingleDocument('{"a":'.repeat(64) + '1' + '}'.repeat(64), 'json').ok).toBe(true);
  });

  it('refuses more than 20,000 values before parsing', () => {
    const wide = `[${'1,'.repeat(20_000)}1]`;
    expect(message(parseSingleDocument(wide, 'json'))).toEqual([{ field: '', message: 'more than 20000 values (list items and map entries) at line 1, column 39999' }]);
  });

  it('refuses more than 1,000 documents without parsing them', () => {
    expect(message(parseDocuments('---\na: 1\n'.repeat(1001), 'yaml'))).toEqual([{ field: 'items', message: 'must have at most 1000 documents' }]);
    const ok = parseDocuments('---\na: 1\n'.repeat(1000), 'yaml');
    expect(ok.ok && ok.value.length).toBe(1000);
  });

  it('finds duplicate keys in linear time with the parser message', () => {
    const keys = Array.from({ length: 15_000 }, (_, i) => `"k${i}":1`);
    const r = parseSingleDocument(`{${keys.join(',')},"k7":2}`, 'json');
    expect(message(r)?.[0]?.message).toMatch(/^invalid JSON: Map keys must be unique at line 1, column \d+$/);
  });

  it('refuses aliases that nest past the limit once expanded', () => {
    const lines = ['a0: &a0 [[[[[[[[[[1]]]]]]]]]]'];
    for (let i = 1; i < 8; i++) lines.push(`a${i}: &a${i} [[[[[[[[[[*a${i - 1}]]]]]]]]]]`);
    expect(message(parseSingleDocument(lines.join('\n'), 'yaml'))).toEqual([{ field: '', message: 'nesting deeper than 64 levels once aliases are expanded' }]);
  });
});
