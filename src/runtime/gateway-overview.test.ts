import { describe, expect, it } from 'vitest';
import { parseSpec, type SpecByKind } from '../api/resource-kinds.js';
import type { StoredResource } from '../core/resource.js';
import { computeStatuses, type ProxyDelivery } from '../gateway/status.js';
import type { MeshStatusFacts } from '../generation/status-facts.js';
import { TypeUrl } from '../xds/cache/resource-types.js';
import type { NodeDelivery } from '../xds/cache/delivery-status.js';
import { dataplanePolicies } from './dataplane-policies-route.js';
import { gatewayOverviews, lastNackOf, proxySummary, routeOverviews, type ProxyDeliveryFacts } from './gateway-overview.js';

const TIME = '2024-05-01T10:00:00.000Z';

function stored<K extends 'MeshGateway' | 'MeshGatewayRoute' | 'Dataplane'>(kind: K, name: string, raw: unknown): StoredResource<K> {
  const parsed = parseSpec(kind, raw);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.violations));
  return { kind, mesh: 'default', name, version: '1', creationTime: TIME, modificationTime: TIME, spec: parsed.value as SpecByKind[K] } as StoredResource<K>;
}

const EDGE = stored('MeshGateway', 'edge', { selectors: [{ match: { 'kuma.io/service': 'edge' } }], conf: { listeners: [{ port: 8080, protocol: 'HTTP' }] } });
const route = (name: string, service: string) =>
  stored('MeshGatewayRoute', name, {
    selectors: [{ match: { 'kuma.io/service': service } }],
    conf: { http: { rules: [{ matches: [{ path: { match: 'PREFIX', value: '/' } }], backends: [{ destination: { 'kuma.io/service': 'web' } }] }] } },
  });
const API = route('api', 'edge');
const NOWHERE = route('nowhere', 'elsewhere');
const gatewayDp = (name: string) => stored('Dataplane', name, { networking: { address: '10.0.0.1', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge' } } } });
const WEB = stored('Dataplane', 'web-1', { networking: { address: '10.0.0.2', inbound: [{ port: 8080, tags: { 'kuma.io/service': 'web' } }] } });

const FACTS: MeshStatusFacts = {
  mesh: 'default',
  gateways: [EDGE],
  routes: [API, NOWHERE],
  dataplanes: [gatewayDp('gw-1'), gatewayDp('gw-2'), WEB],
  translations: [
    { proxy: 'gw-2', gateway: 'edge', translation: { problems: [] } },
    { proxy: 'gw-1', gateway: 'edge', translation: { problems: [] } },
  ],
};

const NACK_AT = new Date('2024-05-01T10:00:05.000Z');
const NODES: Record<string, NodeDelivery> = {
  'gw-2': {
    nodeId: 'default.gw-2',
    connectedStreams: 1,
    types: [
      { typeUrl: TypeUrl.Cluster, sentVersion: 'c1', ackedVersion: 'c1' },
      { typeUrl: TypeUrl.RouteConfiguration, sentVersion: 'r2', ackedVersion: 'r1', lastNack: { version: 'r2', nonce: 'n', message: 'bad regex', resources: ['edge:HTTP:8080:*'], at: NACK_AT, count: 1 } },
    ],
  },
};
const DELIVERY: Record<string, ProxyDelivery> = {
  'gw-1': { connected: true, acked: true },
  'gw-2': { connected: true, acked: true, rejected: [{ type: 'RouteConfiguration', resources: ['edge:HTTP:8080:*'], detail: 'bad regex' }] },
};
const proxy = (name: string): ProxyDeliveryFacts => ({ delivery: DELIVERY[name] ?? { connected: false, acked: false }, node: NODES[name] });

describe('proxySummary', () => {
  it('counts a proxy acknowledged only when connected, ACKed and rejecting nothing; shows the newest NACK', () => {
    expect(proxySummary('gw-1', proxy('gw-1'))).toEqual({ name: 'gw-1', connected: true, acknowledged: true });
    expect(proxySummary('gw-2', proxy('gw-2'))).toEqual({
      name: 'gw-2',
      connected: true,
      acknowledged: false,
      lastNack: { type: 'RouteConfiguration', version: 'r2', message: 'bad regex', time: NACK_AT.toISOString() },
    });
    expect(proxySummary('gone', { delivery: { connected: false, acked: true }, node: undefined })).toEqual({ name: 'gone', connected: false, acknowledged: false });
  });

  it('picks the newest NACK among types', () => {
    const older = { version: 'c9', nonce: 'n', message: 'old', resources: [], at: new Date('2024-05-01T09:00:00.000Z'), count: 1 };
    const node: NodeDelivery = { ...NODES['gw-2']!, types: [{ typeUrl: TypeUrl.Cluster, lastNack: older }, ...NODES['gw-2']!.types] };
    expect(lastNackOf(node)?.message).toBe('bad regex');
    expect(lastNackOf(undefined)).toBeUndefined();
  });
});

describe('gateway and route overviews', () => {
  const statuses = computeStatuses({ ...FACTS, delivery: new Map(Object.entries(DELIVERY)) }, { now: TIME });

  it('lists each gateway with its spec, status and selected proxies in name order', () => {
    const [edge] = gatewayOverviews({ gateways: [EDGE], routes: [], facts: FACTS, statuses, proxy });
    expect(edge).toMatchObject({
      type: 'MeshGatewayOverview',
      mesh: 'default',
      name: 'edge',
      meshGateway: { selectors: [{ match: { 'kuma.io/service': 'edge' } }] },
      status: { proxies: { selected: 2, connected: 2, acknowledged: 1, rejected: 1 } },
    });
    expect((edge!['status'] as { conditions: { type: string; reason: string }[] }).conditions.map((c) => `${c.type}/${c.reason}`)).toEqual(['Accepted/Accepted', 'Programmed/Rejected']);
    expect((edge!['dataplanes'] as { name: string }[]).map((d) => d.name)).toEqual(['gw-1', 'gw-2']);
  });

  it('lists each route with the gateways and proxies it binds to; none for an unbound route', () => {
    const [api, nowhere] = routeOverviews({ gateways: [], routes: [API, NOWHERE], facts: FACTS, statuses, proxy });
    expect(api).toMatchObject({ type: 'MeshGatewayRouteOverview', name: 'api', gateways: ['edge'], meshGatewayRoute: { selectors: [{ match: { 'kuma.io/service': 'edge' } }] } });
    expect((api!['dataplanes'] as { name: string }[]).map((d) => d.name)).toEqual(['gw-1', 'gw-2']);
    expect(nowhere).toMatchObject({ name: 'nowhere', gateways: [], dataplanes: [] });
    expect((nowhere!['status'] as { conditions: { type: string; reason: string }[] }).conditions[0]).toMatchObject({ type: 'Accepted', reason: 'NotBound' });
  });

  it('has no status and no proxies where nothing was generated (a global control plane)', () => {
    const [edge] = gatewayOverviews({ gateways: [EDGE], routes: [], facts: undefined, statuses: undefined, proxy });
    expect(edge).not.toHaveProperty('status');
    expect(edge!['dataplanes']).toEqual([]);
    expect(routeOverviews({ gateways: [], routes: [API], facts: undefined, statuses: undefined, proxy })[0]).toMatchObject({ gateways: [], dataplanes: [] });
  });
});

describe('dataplanePolicies', () => {
  it('names a gateway proxy its MeshGateway and the routes its listeners bind', () => {
    expect(dataplanePolicies(gatewayDp('gw-1'), FACTS)).toEqual({
      kind: 'MeshGatewayDataplane',
      dataplane: { mesh: 'default', name: 'gw-1' },
      gateway: { mesh: 'default', name: 'edge' },
      routes: [{ mesh: 'default', name: 'api', listeners: ['edge:HTTP:8080'] }],
      total: 0,
      items: [],
    });
  });

  it('lists a sidecar place by place; nothing is known without facts', () => {
    const facts: MeshStatusFacts = {
      ...FACTS,
      policies: {},
      policyPlaces: [{ proxy: 'web-1', type: 'sidecar', places: { sources: [[{ 'kuma.io/service': 'web' }]], destinations: [{ type: 'outbound', name: 'outbound:127.0.0.1:10001', destination: { 'kuma.io/service': 'shop' }, source: 0 }], actions: [], routeTables: [] } }],
    };
    expect(dataplanePolicies(WEB, facts)).toEqual({
      kind: 'SidecarDataplane',
      dataplane: { mesh: 'default', name: 'web-1' },
      total: 1,
      items: [{ type: 'outbound', name: 'outbound:127.0.0.1:10001', destination: { 'kuma.io/service': 'shop' }, matchedPolicies: {} }],
    });
    expect(dataplanePolicies(gatewayDp('gw-1'), undefined)).toEqual({ kind: 'MeshGatewayDataplane', dataplane: { mesh: 'default', name: 'gw-1' }, routes: [], total: 0, items: [] });
  });
});
