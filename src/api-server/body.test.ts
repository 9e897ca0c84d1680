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
