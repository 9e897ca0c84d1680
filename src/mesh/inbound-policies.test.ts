// FaultInjection and RateLimit on sidecar inbounds: Kuma's caller regex over x-kuma-tags and the
// order of the policies selecting an inbound.
import { describe, expect, it } from 'vitest';
import type { StoredResource } from '../core/resource.js';
import { inboundPolicies, selectorRegex, sourcesRegex } from './inbound-policies.js';

/** Full-match, as Envoy's safe_regex_match. */
const matches = (re: string, header: string) => new RegExp(`^(?:${re})$`).test(header);

describe('caller regex', () => {
  it("writes Kuma's expression: sorted keys, value test unless *, dots escaped in values", () => {
    expect(selectorRegex({ version: 'v1.2', 'kuma.io/service': 'web' })).toBe('.*&kuma.io/service=[^&]*web[,&].*&version=[^&]*v1\\.2[,&].*');
    expect(selectorRegex({ 'kuma.io/service': '*' })).toBe('.*&kuma.io/service=.*');
    expect(sourcesRegex([{ match: { a: 'x' } }, { match: { b: 'y' } }])).toBe('(.*&a=[^&]*x[,&].*|.*&b=[^&]*y[,&].*)');
  });

  it("matches the x-kuma-tags a caller's proxy sends, multi-valued tags included", () => {
    const re = selectorRegex({ 'kuma.io/service': 'web', version: 'v1' });
    expect(matches(re, '&kuma.io/protocol=http&&kuma.io/service=web&&version=v1&')).toBe(true);
    expect(matches(re, '&kuma.io/service=api,web&&version=v1,v2&')).toBe(true);
    expect(matches(re, '&kuma.io/service=web&&version=v2&')).toBe(false);
    expect(matches(re, '&kuma.io/service=api&')).toBe(false);
  });
});

describe('inboundPolicies', () => {
  const rl = (name: string, creationTime: string, source: Record<string, string>, requests?: number) =>
    ({
      kind: 'RateLimit',
      mesh: 'default',
      name,
      creationTime,
      spec: { sources: [{ match: source }], destinations: [{ match: { 'kuma.io/service': 'backend' } }], conf: requests === undefined ? {} : { http: { requests, interval: '1s' } } },
    }) as unknown as StoredResource<'RateLimit'>;

  it('orders by source specificity, then the newer first; policies without http keep a place without a limit', () => {
    const policies = { RateLimit: [rl('any', '2024-01-01', { 'kuma.io/service': '*' }, 1), rl('web', '2024-01-01', { 'kuma.io/service': 'web' }, 2), rl('web-new', '2024-02-01', { 'kuma.io/service': 'web' })] };
    const out = inboundPolicies(policies, { 'kuma.io/service': 'backend', 'kuma.io/protocol': 'http' });
    expect(out?.rateLimits.map((r) => [r.sourceRegex, r.rateLimit?.requests])).toEqual([
      ['.*&kuma.io/service=[^&]*web[,&].*', undefined],
      ['.*&kuma.io/service=[^&]*web[,&].*', 2],
      ['.*&kuma.io/service=.*', 1],
    ]);
    expect(out?.faults).toEqual([]);
  });

  it('is undefined when no policy selects the inbound', () => {
    expect(inboundPolicies({ RateLimit: [rl('any', '2024-01-01', { 'kuma.io/service': '*' }, 1)] }, { 'kuma.io/service': 'other' })).toBeUndefined();
  });
});
