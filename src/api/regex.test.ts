// docs/regex.md: the validator agrees with Envoy's RE2 on every row of the shared table (whose
// expectations test/e2e/regex-envoy.test.ts checks against the real Envoy), and route validation
// reports a refused regex at its field path.
import { describe, expect, it } from 'vitest';
import { RE2_ACCEPTED, RE2_REFUSED } from '../../test/support/re2-table.js';
import { checkRe2Syntax } from './re2-syntax.js';
import { validateRegex } from './regex.js';
import { parseSpec } from './resource-kinds.js';

describe('checkRe2Syntax', () => {
  it('has a table of at least 30 rows of each kind', () => {
    expect(RE2_ACCEPTED.length).toBeGreaterThanOrEqual(30);
    expect(RE2_REFUSED.length).toBeGreaterThanOrEqual(30);
  });

  it.each(RE2_ACCEPTED.map(([p]) => [p]))('accepts %j', (pattern) => {
    expect(checkRe2Syntax(pattern)).toMatchObject({ ok: true });
  });

  it.each(RE2_REFUSED.map(([p, e]) => [p, e]))('refuses %j: %s', (pattern, error) => {
    expect(checkRe2Syntax(pattern)).toEqual({ ok: false, error });
  });

  it('stays linear on long patterns', () => {
    expect(checkRe2Syntax(`${'(a|b)'.repeat(20_000)}(`)).toEqual({ ok: false, error: expect.stringMatching(/^missing \): /) });
  });
});

describe('the program size bound', () => {
  const size = (pattern: string) => {
    const r = checkRe2Syntax(pattern);
    return r.ok ? r.instructions : Number.NaN;
  };

  it('counts literals, classes, groups and counts as RE2 compiles them, plus Fail, Match and the .*? prefix', () => {
    expect(size('abc')).toBe(3 + 4);
    expect(size('a{1000}')).toBe(1001 + 4);
    expect(size('(?:a{500}){2}')).toBe(2 * 501 + 1 + 4);
    expect(size('[a-z0-9]')).toBe(3 + 4);
    expect(size('(a)')).toBe(3 + 4);
    expect(size('a|b')).toBe(3 + 4);
    expect(size('a*')).toBe(3 + 4);
    expect(size('(?i)k')).toBe(3 + 4);
  });

  it('stays linear: a long pattern is measured without recursion or quadratic work', () => {
    expect(size('[a-z]'.repeat(20_000))).toBe(20_000 + 4);
    expect(size('('.repeat(50_000) + ')'.repeat(50_000))).toBe(50_000 * 2 + 1 + 4);
  });
});

describe('validateRegex', () => {
  it('refuses a regex beyond the compile budget Envoy has on a gateway, and accepts one at it', () => {
    expect(validateRegex('a'.repeat(698_992), 'x')).toEqual([]);
    expect(validateRegex('a'.repeat(698_993), 'x')).toEqual([
      { field: 'x', message: "invalid regex: pattern too large: RE2 program of up to 698997 instructions is larger than Envoy's limit of 698996" },
    ]);
    expect(validateRegex('(?:a{1000})'.repeat(698), 'x')).toEqual([]);
    expect(validateRegex('(?:a{1000})'.repeat(699), 'x')).toHaveLength(1);
  });

  it('prefixes RE2 reason with "invalid regex" and leaves empty values to the caller', () => {
    expect(validateRegex('/(?=a)b', 'x.value')).toEqual([{ field: 'x.value', message: 'invalid regex: invalid perl operator: (?=' }]);
    expect(validateRegex('', 'x.value')).toEqual([]);
    expect(validateRegex('/ok/[0-9]+', 'x.value')).toEqual([]);
  });
});

describe('MeshGatewayRoute regexes', () => {
  const route = (match: Record<string, unknown>) => ({
    selectors: [{ match: { 'kuma.io/service': 'gw' } }],
    conf: { http: { rules: [{ matches: [match], backends: [{ destination: { 'kuma.io/service': 'web' } }] }] } },
  });
  const violations = (spec: unknown) => {
    const r = parseSpec('MeshGatewayRoute', spec);
    return r.ok ? [] : r.violations;
  };
  const M = 'conf.http.rules[0].matches[0]';

  it('refuses a path, header or query regex RE2 refuses, at its field path', () => {
    expect(violations(route({ path: { match: 'REGEX', value: '/(?=a)b' } }))).toEqual([
      { field: `${M}.path.value`, message: 'invalid regex: invalid perl operator: (?=' },
    ]);
    expect(violations(route({ headers: [{ match: 'REGEX', name: 'x-v', value: '(a' }] }))).toEqual([
      { field: `${M}.headers[0].value`, message: 'invalid regex: missing ): (a' },
    ]);
    expect(violations(route({ query_parameters: [{ match: 'REGEX', name: 'q', value: 'a{1001}' }] }))).toEqual([
      { field: `${M}.query_parameters[0].value`, message: 'invalid regex: invalid repetition size: {1001}' },
    ]);
  });

  it('does not read EXACT values or PREFIX paths as regexes', () => {
    expect(violations(route({ path: { match: 'PREFIX', value: '/(' }, headers: [{ name: 'x', value: '(' }], query_parameters: [{ name: 'q', value: '(' }] }))).toEqual([]);
  });

  it('accepts valid regexes, long ones included (the gateway bootstrap lifts the program size limit)', () => {
    expect(violations(route({ path: { match: 'REGEX', value: '/[a-z]{200}/(?P<id>[0-9]+)' } }))).toEqual([]);
  });
});
