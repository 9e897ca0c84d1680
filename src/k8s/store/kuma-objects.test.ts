import { describe, expect, it } from 'vitest';
import { DEFAULT_SYSTEM_NAMESPACE, kindLocations, meshOf, objectRef, storeName, toStoredResource, watchPath, type KindLocation } from './kuma-objects.js';

const locations = kindLocations(DEFAULT_SYSTEM_NAMESPACE);
function at(kind: string): KindLocation {
  const found = locations.find((l) => l.kind === kind);
  if (!found) throw new Error(kind);
  return found;
}

describe('kuma-objects', () => {
  it('locates every store kind: Kuma CRDs cluster-wide, Secrets of Kuma type in the system namespace', () => {
    expect(locations.map((l) => `${l.kind} ${watchPath(l)} ${l.fieldSelector ?? ''}`.trim())).toEqual([
      'Mesh /apis/kuma.io/v1alpha1/meshes',
      'Dataplane /apis/kuma.io/v1alpha1/dataplanes',
      'MeshGateway /apis/kuma.io/v1alpha1/meshgateways',
      'MeshGatewayRoute /apis/kuma.io/v1alpha1/meshgatewayroutes',
      'TrafficPermission /apis/kuma.io/v1alpha1/trafficpermissions',
      'Timeout /apis/kuma.io/v1alpha1/timeouts',
      'Retry /apis/kuma.io/v1alpha1/retries',
      'CircuitBreaker /apis/kuma.io/v1alpha1/circuitbreakers',
      'HealthCheck /apis/kuma.io/v1alpha1/healthchecks',
      'FaultInjection /apis/kuma.io/v1alpha1/faultinjections',
      'RateLimit /apis/kuma.io/v1alpha1/ratelimits',
      'TrafficLog /apis/kuma.io/v1alpha1/trafficlogs',
      'TrafficTrace /apis/kuma.io/v1alpha1/traffictraces',
      'ProxyTemplate /apis/kuma.io/v1alpha1/proxytemplates',
      'ExternalService /apis/kuma.io/v1alpha1/externalservices',
      'Secret /api/v1/namespaces/kuma-system/secrets type=system.kuma.io/secret',
      'GlobalSecret /api/v1/namespaces/kuma-system/secrets type=system.kuma.io/global-secret',
      'Zone /apis/kuma.io/v1alpha1/zones',
      'ZoneInsight /apis/kuma.io/v1alpha1/zoneinsights',
      'ZoneIngress /apis/kuma.io/v1alpha1/zoneingresses',
    ]);
  });

  it('names namespaced objects <name>.<namespace> and splits at the last dot (namespaces have none)', () => {
    const dataplane = at('Dataplane');
    expect(storeName(dataplane, { metadata: { name: 'gw.v2', namespace: 'apps' } })).toBe('gw.v2.apps');
    expect(objectRef(dataplane, 'gw.v2.apps')).toEqual({ namespace: 'apps', name: 'gw.v2' });
    expect(objectRef(dataplane, 'gw')).toBeUndefined();
    expect(objectRef(at('MeshGateway'), 'edge.v2')).toEqual({ namespace: undefined, name: 'edge.v2' });
    expect(objectRef(at('Secret'), 'cert.v2')).toEqual({ namespace: 'kuma-system', name: 'cert.v2' });
  });

  it('reads the mesh as Kuma does: field, then label, then default; a Secret from its label', () => {
    expect(meshOf(at('MeshGateway'), { mesh: 'a', metadata: { labels: { 'kuma.io/mesh': 'b' } } })).toBe('a');
    expect(meshOf(at('MeshGateway'), { metadata: { labels: { 'kuma.io/mesh': 'b' } } })).toBe('b');
    expect(meshOf(at('MeshGateway'), { metadata: {} })).toBe('default');
    expect(meshOf(at('Secret'), { metadata: { labels: { 'kuma.io/mesh': 'b' } } })).toBe('b');
  });

  it('converts with times in milliseconds, the last managedFields write as modification time, and ignores server fields', () => {
    const converted = toStoredResource(at('Mesh'), {
      apiVersion: 'kuma.io/v1alpha1',
      kind: 'Mesh',
      metadata: {
        name: 'default',
        resourceVersion: '42',
        uid: 'u',
        annotations: { note: 'x' },
        creationTimestamp: '2024-05-01T10:00:00Z' as unknown as Date,
        managedFields: [{ time: '2024-05-02T10:00:00Z' as unknown as Date }, { time: '2024-05-03T10:00:00Z' as unknown as Date }],
      },
      spec: {},
    });
    expect(converted).toMatchObject({
      ok: true,
      value: { kind: 'Mesh', mesh: 'default', name: 'default', version: '42', creationTime: '2024-05-01T10:00:00.000Z', modificationTime: '2024-05-03T10:00:00.000Z' },
    });
  });
});
