import { describe, expect, it } from 'vitest';
import type { StoredResource } from '../core/resource.js';
import { dataplaneState, MESH_POLICY_KINDS, meshInsight } from './mesh-insight.js';

const TIME = '2024-05-01T10:00:00.000Z';

function dataplane(name: string, networking: Record<string, unknown>): StoredResource<'Dataplane'> {
  return { kind: 'Dataplane', mesh: 'prod', name, version: '1', creationTime: TIME, modificationTime: TIME, spec: { networking: { address: '10.0.0.1', ...networking } } } as StoredResource<'Dataplane'>;
}

const inbound = (service: string, ready?: boolean) => ({ port: 8080, tags: { 'kuma.io/service': service }, ...(ready === undefined ? {} : { health: { ready } }) });

const MESH: StoredResource<'Mesh'> = {
  kind: 'Mesh',
  mesh: 'prod',
  name: 'prod',
  version: '1',
  creationTime: TIME,
  modificationTime: TIME,
  spec: { mtls: { enabledBackend: 'ca-1', backends: [{ name: 'ca-1', type: 'builtin' }] } },
} as StoredResource<'Mesh'>;

describe('dataplaneState', () => {
  it('is offline when disconnected or every inbound is not ready, partially degraded when some are', () => {
    const two = dataplane('two', { inbound: [inbound('a', false), inbound('b')] });
    expect(dataplaneState(two, true)).toBe('partiallyDegraded');
    expect(dataplaneState(two, false)).toBe('offline');
    expect(dataplaneState(dataplane('down', { inbound: [inbound('a', false)] }), true)).toBe('offline');
    expect(dataplaneState(dataplane('gw', { gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge' } } }), true)).toBe('online');
  });
});

describe('meshInsight', () => {
  it('counts Dataplanes by state and type, policies per kind, services and certificates by backend', () => {
    const dataplanes = [
      dataplane('gw-1', { gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge' } } }),
      dataplane('gw-2', { gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge' } } }),
      dataplane('web-1', { inbound: [inbound('web', true), inbound('admin', false)] }),
      dataplane('shop-1', { inbound: [inbound('shop')] }),
      dataplane('ingress-gw', { gateway: { type: 'DELEGATED', tags: { 'kuma.io/service': 'kong' } } }),
    ];
    const connected = new Set(['gw-1', 'web-1', 'shop-1']);
    const insight = meshInsight({
      mesh: MESH,
      dataplanes,
      policyCounts: { Timeout: 2, MeshGateway: 1 },
      externalServices: 3,
      connected: (dp) => connected.has(dp.name),
      issuedBackend: (dp) => (dp.name === 'gw-2' ? undefined : 'ca-1'),
    });
    expect(insight).toMatchObject({
      type: 'MeshInsight',
      name: 'prod',
      creationTime: TIME,
      dataplanes: { total: 5, online: 2, offline: 2, partiallyDegraded: 1 },
      dataplanesByType: {
        standard: { total: 2, online: 1, offline: 0, partiallyDegraded: 1 },
        gateway: { total: 3, online: 1, offline: 2, partiallyDegraded: 0 },
        gatewayBuiltin: { total: 2, online: 1, offline: 1, partiallyDegraded: 0 },
        gatewayDelegated: { total: 1, online: 0, offline: 1, partiallyDegraded: 0 },
      },
      services: { total: 8, internal: 5, external: 3 },
      mTLS: { enabledBackend: 'ca-1', issuedBackends: { 'ca-1': { total: 4, online: 2, offline: 1, partiallyDegraded: 1 } } },
    });
    // Every policy kind is listed, so a client never probes; counts default to zero.
    expect(Object.keys(insight.policies)).toEqual(MESH_POLICY_KINDS);
    expect(insight.policies['Timeout']).toEqual({ total: 2 });
    expect(insight.policies['Retry']).toEqual({ total: 0 });
    expect(MESH_POLICY_KINDS).not.toContain('Dataplane');
    expect(MESH_POLICY_KINDS).not.toContain('Secret');
  });

  it('says nothing of mTLS backends in a mesh without mTLS', () => {
    const plain = { ...MESH, spec: {} } as StoredResource<'Mesh'>;
    const insight = meshInsight({ mesh: plain, dataplanes: [], policyCounts: {}, externalServices: 0, connected: () => false, issuedBackend: () => undefined });
    expect(insight.mTLS).toEqual({ issuedBackends: {} });
    expect(insight.dataplanes).toEqual({ total: 0, online: 0, offline: 0, partiallyDegraded: 0 });
  });
});
