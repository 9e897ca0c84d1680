// docs/gateway.md §4.1: the tag-map rules, exercised through the resources that carry tag maps.
import { describe, expect, it } from 'vitest';
import { parseSpec, type ResourceKindName } from './resource-kinds.js';
import type { Violation } from './violation.js';

function violationsOf(kind: ResourceKindName, spec: unknown): readonly Violation[] {
  const r = parseSpec(kind, spec);
  return r.ok ? [] : r.violations;
}

const SVC = { 'kuma.io/service': 'gw' };
const gatewayWithSelector = (match: Record<string, string>) => ({
  selectors: [{ match }],
  conf: { listeners: [{ port: 80, protocol: 'HTTP' }] },
});
const gatewayWithListenerTags = (tags: Record<string, string>) => ({
  selectors: [{ match: SVC }],
  conf: { listeners: [{ port: 80, protocol: 'HTTP', tags }] },
});
const dataplaneWithInboundTags = (tags: Record<string, string>) => ({
  networking: { address: '10.0.0.1', inbound: [{ port: 8080, tags: { 'kuma.io/service': 'web', ...tags } }] },
});

const NAME_CHARS = 'tag name must consist of alphanumeric characters, dots, dashes, slashes and underscores';
const SELECTOR_VALUE_CHARS = 'tag value must consist of alphanumeric characters, dots, dashes, slashes and underscores or be "*"';
const DATAPLANE_VALUE_CHARS = 'tag value must consist of alphanumeric characters, dots, dashes and underscores';

describe('docs/gateway.md §4.1 tag maps', () => {
  it.each<[string, ResourceKindName, unknown, Violation[]]>([
    [
      'empty key reported at the map',
      'MeshGateway',
      gatewayWithSelector({ ...SVC, '': 'x' }),
      [{ field: 'selectors[0].match', message: 'tag name must be non-empty' }],
    ],
    [
      'key with a space',
      'MeshGateway',
      gatewayWithSelector({ ...SVC, 'bad key': 'x' }),
      [{ field: 'selectors[0].match["bad key"]', message: NAME_CHARS }],
    ],
    [
      'empty value',
      'MeshGateway',
      gatewayWithSelector({ ...SVC, version: '' }),
      [{ field: 'selectors[0].match["version"]', message: 'tag value must be non-empty' }],
    ],
    [
      'selector value with a space',
      'MeshGateway',
      gatewayWithSelector({ ...SVC, version: 'v 1' }),
      [{ field: 'selectors[0].match["version"]', message: SELECTOR_VALUE_CHARS }],
    ],
    [
      'listener tag value with a partial wildcard',
      'MeshGateway',
      gatewayWithListenerTags({ version: 'v*' }),
      [{ field: 'conf.listeners[0].tags["version"]', message: SELECTOR_VALUE_CHARS }],
    ],
    [
      'dataplane tag value with a slash',
      'Dataplane',
      dataplaneWithInboundTags({ version: 'a/b' }),
      [{ field: 'networking.inbound[0].tags["version"]', message: DATAPLANE_VALUE_CHARS }],
    ],
    [
      'dataplane tag value "*"',
      'Dataplane',
      dataplaneWithInboundTags({ version: '*' }),
      [{ field: 'networking.inbound[0].tags["version"]', message: DATAPLANE_VALUE_CHARS }],
    ],
  ])('%s', (_name, kind, spec, expected) => {
    expect(violationsOf(kind, spec)).toEqual(expected);
  });

  it.each<[string, ResourceKindName, unknown]>([
    ['a selector value "*"', 'MeshGateway', gatewayWithSelector({ ...SVC, version: '*' })],
    ['selector keys and values with . - _ : /', 'MeshGateway', gatewayWithSelector({ ...SVC, 'a.b-c_d:e/f': 'x.y-z_w:q/r' })],
    ['a listener tag value with a slash', 'MeshGateway', gatewayWithListenerTags({ port: 'http/80' })],
    ['a dataplane tag value with a colon', 'Dataplane', dataplaneWithInboundTags({ zone: 'eu:west' })],
  ])('accepts %s', (_name, kind, spec) => {
    expect(violationsOf(kind, spec)).toEqual([]);
  });
});
