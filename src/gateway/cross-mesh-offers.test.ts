import { describe, expect, it } from 'vitest';
import type { DataplaneSpec } from '../api/dataplane.js';
import type { MeshGatewaySpec } from '../api/mesh-gateway.js';
import type { StoredResource } from '../core/resource.js';
import { crossMeshOffers } from './cross-mesh-offers.js';

const meta = { version: '1', creationTime: '2026-01-01T00:00:00.000Z', modificationTime: '2026-01-01T00:00:00.000Z' };

function gatewayProxy(name: string, mesh: string, tags: Record<string, string>): StoredResource<'Dataplane'> {
  const spec: DataplaneSpec = { networking: { address: '10.0.0.9', gateway: { type: 'BUILTIN', tags } } };
  return { kind: 'Dataplane', mesh, name, spec, ...meta };
}

function meshGateway(name: string, mesh: string, spec: Partial<MeshGatewaySpec>): StoredResource<'MeshGateway'> {
  return { kind: 'MeshGateway', mesh, name, spec: { selectors: [{ match: { 'kuma.io/service': 'edge' } }], ...spec } as MeshGatewaySpec, ...meta };
}

const listener = (port: number, crossMesh: boolean, tags: Record<string, string> = {}) => ({ port, protocol: 'HTTP', hostname: '', tags, crossMesh }) as never;

describe('crossMeshOffers (docs/multizone.md "Available services")', () => {
  it('offers one tag set per cross-mesh listener and gateway Dataplane, under kuma.io/mesh', () => {
    const gw = meshGateway('edge', 'mesh-a', { tags: { team: 'a' }, conf: { listeners: [listener(8080, true, { port: 'http-8080' }), listener(9090, false)] } });
    const proxies = [gatewayProxy('edge-1', 'mesh-a', { 'kuma.io/service': 'edge' }), gatewayProxy('edge-2', 'mesh-a', { 'kuma.io/service': 'edge' })];
    const want = { mesh: 'mesh-a', tags: { 'kuma.io/mesh': 'mesh-a', 'kuma.io/service': 'edge', port: 'http-8080', team: 'a' } };
    expect(crossMeshOffers([gw], proxies)).toEqual([want, want]);
  });

  it('offers nothing without cross-mesh listeners, and nothing for sidecars or other meshes', () => {
    const plain = meshGateway('edge', 'mesh-a', { conf: { listeners: [listener(8080, false)] } });
    expect(crossMeshOffers([plain], [gatewayProxy('edge-1', 'mesh-a', { 'kuma.io/service': 'edge' })])).toEqual([]);
    const cross = meshGateway('edge', 'mesh-a', { conf: { listeners: [listener(8080, true)] } });
    const elsewhere = gatewayProxy('edge-1', 'mesh-b', { 'kuma.io/service': 'edge' });
    const sidecar: StoredResource<'Dataplane'> = { kind: 'Dataplane', mesh: 'mesh-a', name: 's', spec: { networking: { address: '10.0.0.1', inbound: [{ port: 1, tags: { 'kuma.io/service': 'edge' } }] } }, ...meta };
    expect(crossMeshOffers([cross], [elsewhere, sidecar])).toEqual([]);
  });
});
