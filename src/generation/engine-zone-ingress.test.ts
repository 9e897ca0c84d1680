// The engine with zone ingresses (docs/multizone.md §7, §8): this zone's ZoneIngress is a proxy of its
// own, regenerated when the services behind it change; another zone's is a route there, whose
// change reaches the clusters of gateways in mTLS meshes as remote endpoints.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../core/memory-store.js';
import type { Kind, ResourceInput } from '../core/resource.js';
import { storedResource } from '../gateway/testdata/load-case.js';
import { TypeUrl } from '../xds/cache/resource-types.js';
import { SnapshotCache } from '../xds/cache/snapshot-cache.js';
import { decodeResource } from '../xds/envoy/encode.js';
import { GenerationEngine } from './engine.js';
import { WorkloadCertificates } from './workload-certificates.js';

const silent = pino({ level: 'silent' });
type Raw = Record<string, unknown> & { type: string; name: string };

function input(raw: Raw): ResourceInput {
  const r = storedResource<Kind>(raw);
  return { kind: r.kind, mesh: r.mesh, name: r.name, spec: r.spec };
}

const mesh: Raw = { type: 'Mesh', name: 'default', mtls: { enabledBackend: 'ca-1', backends: [{ name: 'ca-1', type: 'builtin' }] } };
const caSecrets: Raw[] = [
  { type: 'Secret', name: 'default.ca-builtin-cert-ca-1', data: { pem: 'mesh-ca-default.crt' } },
  { type: 'Secret', name: 'default.ca-builtin-key-ca-1', data: { pem: 'mesh-ca-default.key' } },
];
const gateway: Raw = { type: 'MeshGateway', name: 'edge', selectors: [{ match: { 'kuma.io/service': 'edge' } }], conf: { listeners: [{ port: 8080, protocol: 'HTTP' }] } };
const route: Raw = {
  type: 'MeshGatewayRoute',
  name: 'to-backend',
  selectors: [{ match: { 'kuma.io/service': 'edge' } }],
  conf: { http: { rules: [{ matches: [{ path: { match: 'PREFIX', value: '/' } }], backends: [{ destination: { 'kuma.io/service': 'backend' } }] }] } },
};
const edge: Raw = { type: 'Dataplane', name: 'edge-1', networking: { address: '10.0.0.1', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge' } } } };
const backend = (name: string, address: string, ready = true): Raw => ({
  type: 'Dataplane',
  name,
  networking: { address, inbound: [{ port: 20000, tags: { 'kuma.io/service': 'backend', 'kuma.io/protocol': 'http' }, ...(ready ? {} : { health: { ready: false } }) }] },
});
const ingress = (name: string, zone: string, services: Array<{ service: string; instances: number }>): Raw => ({
  type: 'ZoneIngress',
  name,
  ...(zone ? { zone } : {}),
  networking: { address: '10.0.0.100', port: 10001, advertisedAddress: zone === 'zone-2' ? '198.51.100.2' : '192.0.2.1', advertisedPort: 10001 },
  availableServices: services.map((s) => ({ mesh: 'default', instances: s.instances, tags: { 'kuma.io/service': s.service, 'kuma.io/protocol': 'http', 'kuma.io/zone': zone || 'zone-1' } })),
});

async function setUp(resources: Raw[], watched: string[]) {
  const store = new MemoryStore();
  for (const r of resources) await store.put(input(r));
  const cache = new SnapshotCache();
  const engine = new GenerationEngine({ store, cache, logger: silent, readFiles: async () => new Map(), workerThreshold: Infinity, certificates: new WorkloadCertificates(), zone: 'zone-1' });
  store.watch((event) => engine.onChange(event));
  for (const id of watched) cache.watch(id, () => undefined);
  await engine.regenerate();
  return { store, cache, engine };
}

function names(cache: SnapshotCache, nodeId: string, type: string): string[] {
  return [...(cache.get(nodeId)?.types.get(type)?.resources.keys() ?? [])].sort();
}

function endpointsOf(cache: SnapshotCache, nodeId: string, cluster: string): Array<{ address: string; weight: number; zone: string }> {
  const bytes = cache.get(nodeId)?.types.get(TypeUrl.ClusterLoadAssignment)?.resources.get(cluster)?.bytes;
  if (!bytes) return [];
  const cla = decodeResource(TypeUrl.ClusterLoadAssignment, bytes) as {
    endpoints?: Array<{ locality?: { zone?: string }; lb_endpoints: Array<{ endpoint: { address: { socket_address: { address: string } } }; load_balancing_weight: { value: number } }> }>;
  };
  return (cla.endpoints ?? []).flatMap((g) => g.lb_endpoints.map((e) => ({ address: e.endpoint.address.socket_address.address, weight: e.load_balancing_weight.value, zone: g.locality?.zone ?? '' })));
}

describe('GenerationEngine with zone ingresses', () => {
  it("serves this zone's ingress its listener, clusters and endpoints, and follows the inbounds behind it", async () => {
    const { store, cache, engine } = await setUp([mesh, ...caSecrets, backend('backend-1', '10.0.1.1'), backend('backend-2', '10.0.1.2'), ingress('ingress-1', '', [{ service: 'backend', instances: 2 }])], ['.ingress-1']);
    expect(engine.nodeIds('ingress')).toEqual(['.ingress-1']);
    expect(names(cache, '.ingress-1', TypeUrl.Listener)).toEqual(['inbound:10.0.0.100:10001']);
    expect(names(cache, '.ingress-1', TypeUrl.Cluster)).toEqual(['default:backend']);
    expect(names(cache, '.ingress-1', TypeUrl.Secret)).toEqual([]);
    expect(endpointsOf(cache, '.ingress-1', 'default:backend').map((e) => e.address)).toEqual(['10.0.1.1', '10.0.1.2']);
    await store.put(input(backend('backend-2', '10.0.1.2', false)));
    await engine.regenerate();
    expect(endpointsOf(cache, '.ingress-1', 'default:backend').map((e) => e.address)).toEqual(['10.0.1.1']);
    await store.delete({ kind: 'ZoneIngress', mesh: 'ingress-1', name: 'ingress-1' });
    await engine.regenerate();
    expect(engine.nodeIds('ingress')).toEqual([]);
  });

  it("gives no proxy to another zone's ingress, and turns it into remote endpoints of the gateway's clusters", async () => {
    const { store, cache, engine } = await setUp([mesh, ...caSecrets, gateway, route, edge, backend('backend-1', '10.0.1.1')], ['default.edge-1']);
    // The gateway's one cluster (named by its destination and listener tags).
    const [cluster] = names(cache, 'default.edge-1', TypeUrl.ClusterLoadAssignment);
    expect(cluster).toMatch(/^backend-/);
    expect(endpointsOf(cache, 'default.edge-1', cluster!)).toEqual([{ address: '10.0.1.1', weight: 1, zone: '' }]);
    await store.put(input(ingress('ingress-2', 'zone-2', [{ service: 'backend', instances: 3 }])));
    await engine.regenerate();
    expect(engine.nodeIds('ingress')).toEqual([]);
    expect(endpointsOf(cache, 'default.edge-1', cluster!)).toEqual([
      { address: '10.0.1.1', weight: 1, zone: '' },
      { address: '198.51.100.2', weight: 3, zone: 'zone-2' },
    ]);
    // The zone's services move: the remote endpoint's weight follows.
    await store.put(input(ingress('ingress-2', 'zone-2', [{ service: 'backend', instances: 1 }])));
    await engine.regenerate();
    expect(endpointsOf(cache, 'default.edge-1', cluster!).find((e) => e.zone === 'zone-2')?.weight).toBe(1);
    // Mesh mTLS off: the ingress routes by SNI, so no remote endpoint remains.
    await store.put(input({ type: 'Mesh', name: 'default' }));
    await engine.regenerate();
    expect(endpointsOf(cache, 'default.edge-1', cluster!)).toEqual([{ address: '10.0.1.1', weight: 1, zone: '' }]);
  });

  it('in a PERMISSIVE mesh, speaks mesh TLS to a service only other zones offer (the remote ingress routes by SNI)', async () => {
    const permissive: Raw = { type: 'Mesh', name: 'default', mtls: { enabledBackend: 'ca-1', backends: [{ name: 'ca-1', type: 'builtin', mode: 'PERMISSIVE' }] } };
    const { store, cache, engine } = await setUp([permissive, ...caSecrets, gateway, route, edge], ['default.edge-1']);
    const [cluster] = names(cache, 'default.edge-1', TypeUrl.Cluster);
    const tls = () => (decodeResource(TypeUrl.Cluster, cache.get('default.edge-1')!.types.get(TypeUrl.Cluster)!.resources.get(cluster!)!.bytes) as { transport_socket?: unknown }).transport_socket;
    expect(tls()).toBeUndefined();
    await store.put(input(ingress('ingress-2', 'zone-2', [{ service: 'backend', instances: 1 }])));
    await engine.regenerate();
    expect(tls()).toBeDefined();
  });

  it("dials another zone's ingress that advertises a DNS name at the address the runtime resolved", async () => {
    const named: Raw = { ...ingress('ingress-2', 'zone-2', [{ service: 'backend', instances: 2 }]), networking: { address: '10.0.0.100', port: 10001, advertisedAddress: 'lb.zone-2.example', advertisedPort: 443 } };
    const { cache, engine } = await setUp([mesh, ...caSecrets, gateway, route, edge, named], ['default.edge-1']);
    const [cluster] = names(cache, 'default.edge-1', TypeUrl.ClusterLoadAssignment);
    expect(endpointsOf(cache, 'default.edge-1', cluster!)).toEqual([]);
    expect(engine.setResolvedHosts(new Map([['lb.zone-2.example', '203.0.113.8']]))).toBe(true);
    await engine.regenerate();
    expect(endpointsOf(cache, 'default.edge-1', cluster!)).toEqual([{ address: '203.0.113.8', weight: 2, zone: 'zone-2' }]);
    // The same answers again change nothing.
    expect(engine.setResolvedHosts(new Map([['lb.zone-2.example', '203.0.113.8']]))).toBe(false);
  });
});
