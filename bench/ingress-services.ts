// ZoneIngress available services at 10,000 Dataplanes (issue 12, docs/multizone.md "Available services"), in this
// process on a memory store:
//
// `ingress-services-10000`: a zone with `dataplanes` sidecar Dataplanes (one inbound each, 100
//   services x 4 versions: 400 tag sets) and 10 cross-mesh gateway Dataplanes, and one ZoneIngress, followed by
//   the writer (src/runtime/zone-ingress-services.ts). Each change flips one inbound's health; its
//   tick recomputes the list (synchronously: that is the event-loop stall) and writes the
//   ingress. Reported: the recompute alone (`zoneAvailableServices` over the whole zone), the
//   whole tick (recompute, compare, conditional write), the writer's start (index load), and an
//   idle tick (nothing changed: nothing recomputed).
import { pino } from 'pino';
import type { DataplaneSpec } from '../src/api/dataplane.js';
import { MemoryStore } from '../src/core/memory-store.js';
import type { ResourceInput, StoredResource } from '../src/core/resource.js';
import { AvailableServicesWriter, zoneAvailableServices } from '../src/runtime/zone-ingress-services.js';
import { summarize, timeWithCpu, type BenchResult } from './harness.js';

const logger = pino({ level: 'silent' });

function sidecar(i: number, ready: boolean): ResourceInput<'Dataplane'> {
  const tags = { 'kuma.io/service': `svc-${i % 100}`, version: `v${Math.floor(i / 100) % 4}`, 'kuma.io/zone': 'zone-1', 'kuma.io/protocol': 'http' };
  const spec: DataplaneSpec = { networking: { address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, inbound: [{ port: 8080, servicePort: 80, tags, ...(ready ? {} : { health: { ready: false } }) }] } };
  return { kind: 'Dataplane', mesh: 'default', name: `dp-${i}`, spec, labels: { 'kuma.io/origin': 'zone', 'kuma.io/zone': 'zone-1' } };
}

function gatewayProxy(i: number): ResourceInput<'Dataplane'> {
  return { kind: 'Dataplane', mesh: 'default', name: `edge-${i}`, spec: { networking: { address: `10.255.0.${i}`, gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge' } } } } };
}

/** The writer's cost per change at `dataplanes` sidecars. */
export async function benchIngressServices(dataplanes = 10_000, changes = 30): Promise<BenchResult> {
  const store = new MemoryStore({ logger });
  for (let i = 0; i < dataplanes; i++) await store.put(sidecar(i, true));
  for (let i = 0; i < 10; i++) await store.put(gatewayProxy(i));
  await store.put({
    kind: 'MeshGateway',
    mesh: 'default',
    name: 'edge',
    spec: { selectors: [{ match: { 'kuma.io/service': 'edge' } }], conf: { listeners: [{ port: 8080, protocol: 'HTTP', hostname: '', tags: {}, crossMesh: true }] } } as never,
  });
  await store.put({ kind: 'ZoneIngress', mesh: 'ingress-1', name: 'ingress-1', spec: { networking: { address: '10.0.0.10', port: 10001 } } });

  const all = (await store.list('Dataplane')) as StoredResource<'Dataplane'>[];
  const gateways = await store.list('MeshGateway');
  const recompute = await timeWithCpu(() => zoneAvailableServices('zone-1', all, gateways), changes);

  const writer = new AvailableServicesWriter({ store, zone: 'zone-1', logger, intervalMs: 3_600_000 });
  const t0 = performance.now();
  const stop = await writer.start();
  const startMs = performance.now() - t0;
  await writer.tick();
  let flip = 0;
  const tick = await timeWithCpu(async () => {
    flip++;
    await store.put(sidecar(flip % dataplanes, flip % 2 === 0));
    await writer.tick();
  }, changes);
  const idle = await timeWithCpu(() => writer.tick(), changes);
  const services = writer.current().length;
  await stop();
  await store.close();
  return {
    id: `ingress-services-${dataplanes}`,
    description: `${dataplanes} sidecar Dataplanes + 10 cross-mesh gateway Dataplanes, 1 ZoneIngress (${services} available services): one inbound's health flips per change`,
    metrics: {
      'recompute (event-loop stall) wall': summarize(recompute.wall),
      'recompute cpu': summarize(recompute.cpu),
      'tick after a change (put + recompute + ingress write) wall': summarize(tick.wall),
      'tick after a change cpu': summarize(tick.cpu),
      'idle tick wall': summarize(idle.wall),
      'writer start (index load) ms': Math.round(startMs * 10) / 10,
    },
  };
}
