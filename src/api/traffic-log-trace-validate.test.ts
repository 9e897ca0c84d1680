import { describe, expect, it } from 'vitest';
import { parseSpec } from './resource-kinds.js';
import type { Violation } from './violation.js';

function violationsOf(kind: 'TrafficLog' | 'TrafficTrace', spec: unknown): readonly Violation[] {
  const r = parseSpec(kind, spec);
  return r.ok ? [] : r.violations;
}

const ANY = [{ match: { 'kuma.io/service': '*' } }];

describe('TrafficLog', () => {
  it('accepts a policy without conf (the mesh default backend) and one naming a backend', () => {
    expect(violationsOf('TrafficLog', { sources: ANY, destinations: ANY })).toEqual([]);
    expect(violationsOf('TrafficLog', { sources: ANY, destinations: ANY, conf: { backend: 'file' } })).toEqual([]);
  });

  it.each<[string, unknown, Violation[]]>([
    ['no sources', { sources: [], destinations: ANY }, [{ field: 'sources', message: 'must have at least one element' }]],
    ['a source without service', { sources: [{ match: { version: 'v1' } }], destinations: ANY }, [{ field: 'sources[0].match', message: 'mandatory tag "kuma.io/service" is missing' }]],
    [
      'a destination with another tag',
      { sources: ANY, destinations: [{ match: { 'kuma.io/service': 'backend', version: 'v1' } }] },
      [{ field: 'destinations[0].match', message: 'must consist of exactly one tag "kuma.io/service"' }, { field: 'destinations[0].match["version"]', message: 'tag "version" is not allowed' }],
    ],
  ])('rejects %s', (_name, spec, expected) => {
    expect(violationsOf('TrafficLog', spec)).toEqual(expected);
  });
});

describe('TrafficTrace', () => {
  it('accepts selectors without a service and no conf', () => {
    expect(violationsOf('TrafficTrace', { selectors: [{ match: { team: 'a' } }] })).toEqual([]);
    expect(violationsOf('TrafficTrace', { selectors: ANY, conf: { backend: 'zipkin' } })).toEqual([]);
  });

  it.each<[string, unknown, Violation[]]>([
    ['no selectors', { selectors: [] }, [{ field: 'selectors', message: 'must have at least one element' }]],
    ['an empty selector', { selectors: [{ match: {} }] }, [{ field: 'selectors[0].match', message: 'must have at least one tag' }]],
    ['sources', { selectors: ANY, sources: ANY }, [{ field: 'sources', message: 'unknown field "sources"' }]],
  ])('rejects %s', (_name, spec, expected) => {
    expect(violationsOf('TrafficTrace', spec)).toEqual(expected);
  });
});
