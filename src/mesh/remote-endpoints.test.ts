import { describe, expect, it } from 'vitest';
import type { StoredResource } from '../core/resource.js';
import type { ZoneIngressSpec } from '../api/zone-ingress.js';
import { remoteEndpoints, remoteEndpointsOfMesh } from './remote-endpoints.js';

function ingress(name: string, spec: ZoneIngressSpec): StoredResource<'ZoneIngress'> {
  return { kind: 'ZoneIngress', mesh: name, name, spec, version: '1', creationTime: '', modificationTime: '' } as StoredResource<'ZoneIngress'>;
}
const at = (address: string, port = 10001) => ({ address: '10.0.0.1', port: 10001, advertisedAddress: address, advertisedPort: port });
const backend = (instances: number, extra: Record<string, string> = {}) => ({ mesh: 'default', instances, tags: { 'kuma.io/service': 'backend', ...extra } });

describe('remoteEndpoints (docs/multizone.md §8)', () => {
  it('one endpoint per available service of the mesh, weighted by instances, in the remote zone', () => {
    const r = remoteEndpoints({ zoneIngresses: [ingress('i2', { zone: 'zone-2', networking: at('198.51.100.2'), availableServices: [backend(2, { version: 'v1' }), { mesh: 'other', instances: 4, tags: { 'kuma.io/service': 'x' } }] })], localZone: 'zone-1' }, 'default');
    expect(r.addresses).toBe(1);
    expect(r.byService.get('backend')).toEqual([{ address: '198.51.100.2', port: 10001, tags: { 'kuma.io/service': 'backend', version: 'v1', 'kuma.io/zone': 'zone-2' }, instances: 2 }]);
    expect(r.byService.has('x')).toBe(false);
  });

  it('skips its own zone, ingresses without zone, without advertised address, with an unresolved DNS name, without services, and zero instances', () => {
    const r = remoteEndpoints(
      { localZone: 'zone-1', resolvedHosts: new Map([['resolved.example.com', '203.0.113.7']]), zoneIngresses: [
        ingress('own', { zone: 'zone-1', networking: at('192.0.2.1'), availableServices: [backend(1)] }),
        ingress('local-unlabelled', { networking: at('192.0.2.2'), availableServices: [backend(1)] }),
        ingress('pending', { zone: 'zone-3', networking: { address: '10.0.0.3', port: 10001 }, availableServices: [backend(1)] }),
        ingress('dns', { zone: 'zone-4', networking: at('ingress.example.com'), availableServices: [backend(1)] }),
        ingress('empty', { zone: 'zone-5', networking: at('203.0.113.5'), availableServices: [] }),
        ingress('zero', { zone: 'zone-6', networking: at('203.0.113.6'), availableServices: [backend(0)] }),
        ingress('resolved', { zone: 'zone-7', networking: at('resolved.example.com'), availableServices: [backend(3)] }),
      ] },
      'default',
    );
    // A name this zone resolved is dialled at its IP; an unresolved one is skipped.
    expect(r.byService.get('backend')).toEqual([{ address: '203.0.113.7', port: 10001, tags: { 'kuma.io/service': 'backend', 'kuma.io/zone': 'zone-7' }, instances: 3 }]);
    // The ingress with a zero entry still has an address other zones dial: it counts.
    expect(r.addresses).toBe(2);
  });

  it('counts replicas behind one advertised address once; the first filled one by name stands for it', () => {
    const r = remoteEndpoints(
      { localZone: 'zone-1', zoneIngresses: [
        ingress('b', { zone: 'zone-2', networking: at('198.51.100.2'), availableServices: [backend(5)] }),
        ingress('a', { zone: 'zone-2', networking: at('198.51.100.2'), availableServices: [] }),
        ingress('c', { zone: 'zone-2', networking: at('198.51.100.2'), availableServices: [backend(7)] }),
      ] },
      'default',
    );
    expect(r.addresses).toBe(1);
    expect(r.byService.get('backend')?.map((e) => e.instances)).toEqual([5]);
  });

  it('gives nothing while the mesh has mTLS off', () => {
    const ingresses = [ingress('i2', { zone: 'zone-2', networking: at('198.51.100.2'), availableServices: [backend(2)] })];
    const mesh = (mtls: boolean) => ({ kind: 'Mesh', mesh: 'default', name: 'default', spec: mtls ? { mtls: { enabledBackend: 'ca-1', backends: [{ name: 'ca-1', type: 'builtin' }] } } : {} }) as unknown as StoredResource<'Mesh'>;
    expect(remoteEndpointsOfMesh(mesh(false), { zoneIngresses: ingresses, localZone: 'zone-1' }).addresses).toBe(0);
    expect(remoteEndpointsOfMesh(mesh(true), { zoneIngresses: ingresses, localZone: 'zone-1' }).addresses).toBe(1);
  });
});
