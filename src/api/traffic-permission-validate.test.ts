// docs/mesh-mtls.md §5.1: TrafficPermission validation, one row per rule with its exact field and message.
import { describe, expect, it } from 'vitest';
import { parseSpec } from './resource-kinds.js';
import type { Violation } from './violation.js';

function violationsOf(spec: unknown): readonly Violation[] {
  const r = parseSpec('TrafficPermission', spec);
  return r.ok ? [] : r.violations;
}

const WEB = [{ match: { 'kuma.io/service': 'web' } }];
const BACKEND = [{ match: { 'kuma.io/service': 'backend' } }];

describe('docs/mesh-mtls.md §5.1 TrafficPermission', () => {
  it('accepts selectors without kuma.io/service, and `*` values', () => {
    expect(violationsOf({ sources: [{ match: { version: 'v1', 'kuma.io/zone': 'east' } }], destinations: [{ match: { 'kuma.io/service': '*' } }] })).toEqual([]);
  });

  it.each<[string, unknown, Violation[]]>([
    [
      'no sources and no destinations',
      {},
      [
        { field: 'sources', message: 'must have at least one element' },
        { field: 'destinations', message: 'must have at least one element' },
      ],
    ],
    ['empty sources', { sources: [], destinations: BACKEND }, [{ field: 'sources', message: 'must have at least one element' }]],
    ['a source with no tags', { sources: [{ match: {} }], destinations: BACKEND }, [{ field: 'sources[0].match', message: 'must have at least one tag' }]],
    ['a destination without match', { sources: WEB, destinations: [...BACKEND, {}] }, [{ field: 'destinations[1].match', message: 'must have at least one tag' }]],
    ['an empty tag value', { sources: [{ match: { version: '' } }], destinations: BACKEND }, [{ field: 'sources[0].match["version"]', message: 'tag value must be non-empty' }]],
    [
      'a tag name with a space',
      { sources: WEB, destinations: [{ match: { 'my tag': 'x' } }] },
      [{ field: 'destinations[0].match["my tag"]', message: 'tag name must consist of alphanumeric characters, dots, dashes, slashes and underscores' }],
    ],
    [
      'a tag value with a space',
      { sources: [{ match: { 'kuma.io/service': 'web app' } }], destinations: BACKEND },
      [{ field: 'sources[0].match["kuma.io/service"]', message: 'tag value must consist of alphanumeric characters, dots, dashes, slashes and underscores or be "*"' }],
    ],
  ])('%s', (_name, spec, expected) => {
    expect(violationsOf(spec)).toEqual(expected);
  });
});
