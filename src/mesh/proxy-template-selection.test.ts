// Which ProxyTemplate a dataplane gets (docs/policies.md "ProxyTemplate"): one row per rule.
import { describe, expect, it } from 'vitest';
import type { Tags } from '../api/tags.js';
import type { StoredResource } from '../core/resource.js';
import { proxyTemplateMayConcern, proxyTemplateTagSets, selectProxyTemplate } from './proxy-template-selection.js';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-02T00:00:00.000Z';

function template(name: string, selectors: Tags[], creationTime = T0, mesh = 'default'): StoredResource<'ProxyTemplate'> {
  return { kind: 'ProxyTemplate', mesh, name, spec: { selectors: selectors.map((match) => ({ match })) }, version: '1', creationTime, modificationTime: creationTime };
}

function dataplane(networking: object): StoredResource<'Dataplane'> {
  return { kind: 'Dataplane', mesh: 'default', name: 'dp', spec: { networking: { address: '10.0.0.1', ...networking } }, version: '1', creationTime: T0, modificationTime: T0 } as StoredResource<'Dataplane'>;
}

const SIDECAR = dataplane({
  inbound: [
    { port: 80, tags: { 'kuma.io/service': 'web', version: 'v1' } },
    { port: 81, tags: { 'kuma.io/service': 'admin' } },
  ],
});
const GATEWAY = dataplane({ gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge', zone: 'east' } } });

describe('selectProxyTemplate', () => {
  it.each<[string, StoredResource<'Dataplane'>, StoredResource<'ProxyTemplate'>[], string | undefined]>([
    ['none matches', SIDECAR, [template('other', [{ 'kuma.io/service': 'backend' }])], undefined],
    ['a sidecar is matched by any inbound', SIDECAR, [template('admin', [{ 'kuma.io/service': 'admin' }])], 'admin'],
    ['a selector must match one inbound whole, not tags of two', SIDECAR, [template('mixed', [{ 'kuma.io/service': 'admin', version: 'v1' }])], undefined],
    ['a gateway is matched by its gateway tags', GATEWAY, [template('edge', [{ 'kuma.io/service': 'edge' }])], 'edge'],
    ['more tags win', SIDECAR, [template('all', [{ 'kuma.io/service': '*' }]), template('web-v1', [{ 'kuma.io/service': '*', version: 'v1' }])], 'web-v1'],
    ['at equal counts, exact values win', SIDECAR, [template('wild', [{ 'kuma.io/service': '*' }]), template('exact', [{ 'kuma.io/service': 'web' }])], 'exact'],
    ['a template ranks by its best matching selector', SIDECAR, [template('two', [{ 'kuma.io/service': 'nope', version: 'v1' }, { 'kuma.io/service': '*' }]), template('one', [{ 'kuma.io/service': 'web' }])], 'one'],
    ['at equal ranks, the most recently created wins', SIDECAR, [template('b-new', [{ 'kuma.io/service': 'web' }], T1), template('a-old', [{ 'kuma.io/service': 'web' }], T0)], 'b-new'],
    ['at equal ranks and times, the smaller name wins [D10]', SIDECAR, [template('b', [{ 'kuma.io/service': 'web' }]), template('a', [{ 'kuma.io/service': 'web' }])], 'a'],
    ["another mesh's template never applies", SIDECAR, [template('elsewhere', [{ 'kuma.io/service': '*' }], T0, 'other')], undefined],
  ])('%s', (_name, proxy, templates, expected) => {
    expect(selectProxyTemplate(proxy, templates)?.name).toBe(expected);
    expect(selectProxyTemplate(proxy, [...templates].reverse())?.name).toBe(expected);
  });
});

describe('proxyTemplateTagSets', () => {
  it('are the inbound tags of a sidecar, the gateway tags of a BUILTIN or DELEGATED gateway', () => {
    expect(proxyTemplateTagSets(SIDECAR)).toEqual([{ 'kuma.io/service': 'web', version: 'v1' }, { 'kuma.io/service': 'admin' }]);
    expect(proxyTemplateTagSets(GATEWAY)).toEqual([{ 'kuma.io/service': 'edge', zone: 'east' }]);
    expect(proxyTemplateTagSets(dataplane({ gateway: { type: 'DELEGATED', tags: { 'kuma.io/service': 'ingress' } } }))).toEqual([{ 'kuma.io/service': 'ingress' }]);
  });

  it('say which template changes may concern the proxy', () => {
    expect(proxyTemplateMayConcern(template('t', [{ 'kuma.io/service': 'edge' }]), proxyTemplateTagSets(GATEWAY))).toBe(true);
    expect(proxyTemplateMayConcern(template('t', [{ 'kuma.io/service': 'web' }]), proxyTemplateTagSets(GATEWAY))).toBe(false);
  });
});
