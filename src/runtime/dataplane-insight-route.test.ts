import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../api-server/server.js';
import { MemoryStore } from '../core/memory-store.js';
import { TypeUrl } from '../xds/cache/resource-types.js';
import { DeliveryStatus } from '../xds/cache/delivery-status.js';
import { SnapshotCache } from '../xds/cache/snapshot-cache.js';
import { dataplaneInsightListRoutes, dataplaneInsightRoute } from './dataplane-insight-route.js';

const DETAIL = "Error adding/updating route config: invalid regex '/(?=a)b': invalid perl operator: (?=";

describe('GET /meshes/{mesh}/dataplanes+insights/{name}', () => {
  let server: ApiServer;
  let api: string;
  let t = 0;
  const cache = new SnapshotCache(new DeliveryStatus(() => new Date(Date.UTC(2024, 4, 1, 10, 0, ++t))));

  beforeAll(async () => {
    const store = new MemoryStore();
    await store.put({ kind: 'Mesh', mesh: 'default', name: 'default', spec: {} });
    for (const name of ['gw-1', 'gw-idle']) {
      await store.put({
        kind: 'Dataplane',
        mesh: 'default',
        name,
        spec: { networking: { address: '10.0.0.1', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge' } } } },
      });
    }
    // A sidecar and a delegated gateway for the filters.
    await store.put({ kind: 'Dataplane', mesh: 'default', name: 'backend-1', spec: { networking: { address: '10.0.0.2', inbound: [{ port: 80, tags: { 'kuma.io/service': 'backend', version: 'v2' } }] } } });
    await store.put({ kind: 'Dataplane', mesh: 'default', name: 'kong-1', spec: { networking: { address: '10.0.0.3', gateway: { type: 'DELEGATED', tags: { 'kuma.io/service': 'kong' } } } } });
    const d = cache.delivery;
    d.streamOpened('default.gw-1'); // 10:00:01
    d.recordSent('default.gw-1', TypeUrl.Cluster, 'c1'); // :02
    d.recordAck('default.gw-1', TypeUrl.Cluster, 'c1'); // :03
    d.recordSent('default.gw-1', TypeUrl.RouteConfiguration, 'r1'); // :04
    d.recordNack('default.gw-1', TypeUrl.RouteConfiguration, { version: 'r1', nonce: 'n7', message: DETAIL, resources: ['edge:HTTP:8080:*'] }); // :05
    server = createApiServer({ store, logger: pino({ level: 'silent' }), isReady: () => true, extraRoutes: [dataplaneInsightRoute(store, (id) => cache.delivery.status(id)), ...dataplaneInsightListRoutes(store, (id) => cache.delivery.status(id))] });
    api = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
  });

  afterAll(async () => {
    await server.close();
  });

  it("answers the Dataplane with its proxy's delivery per type and the last NACK with Envoy's reason", async () => {
    const res = await fetch(`${api}/meshes/default/dataplanes+insights/gw-1`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      type: 'DataplaneOverview',
      mesh: 'default',
      name: 'gw-1',
      dataplane: { networking: { address: '10.0.0.1', gateway: { type: 'BUILTIN' } } },
    });
    expect(body['dataplaneInsight']).toEqual({
      subscriptions: [
        {
          connected: true,
          connectTime: '2024-05-01T10:00:01.000Z',
          status: {
            lastUpdateTime: '2024-05-01T10:00:05.000Z',
            total: { responsesSent: 2, responsesAcknowledged: 1, responsesRejected: 1 },
            cds: { responsesSent: 1, responsesAcknowledged: 1, responsesRejected: 0, sentVersion: 'c1', acknowledgedVersion: 'c1' },
            rds: {
              responsesSent: 1,
              responsesAcknowledged: 0,
              responsesRejected: 1,
              sentVersion: 'r1',
              lastNack: {
                type: 'RouteConfiguration',
                version: 'r1',
                nonce: 'n7',
                resources: ['edge:HTTP:8080:*'],
                message: DETAIL,
                time: '2024-05-01T10:00:05.000Z',
              },
            },
          },
        },
      ],
    });
  });

  it('a Dataplane whose proxy never connected has no subscription; an unknown one is 404', async () => {
    const idle = (await (await fetch(`${api}/meshes/default/dataplanes+insights/gw-idle`)).json()) as Record<string, unknown>;
    expect(idle['dataplaneInsight']).toEqual({ subscriptions: [] });
    expect((await fetch(`${api}/meshes/default/dataplanes+insights/nobody`)).status).toBe(404);
    expect((await fetch(`${api}/meshes/other/dataplanes+insights/gw-1`)).status).toBe(404);
  });

  it("lists a mesh's overviews, paged, at Kuma's path (kumactl inspect dataplanes) and at _overview", async () => {
    for (const path of ['/meshes/default/dataplanes+insights', '/meshes/default/dataplanes/_overview']) {
      const all = (await (await fetch(`${api}${path}`)).json()) as { total: number; items: { name: string; dataplaneInsight: { subscriptions: unknown[] } }[]; next: string | null };
      expect(all.total).toBe(4);
      expect(all.items.map((i) => [i.name, i.dataplaneInsight.subscriptions.length])).toEqual([['backend-1', 0], ['gw-1', 1], ['gw-idle', 0], ['kong-1', 0]]);
      expect(all.next).toBeNull();
      const first = (await (await fetch(`${api}${path}?size=1&offset=1`)).json()) as { items: { name: string }[]; next: string | null };
      expect(first.items.map((i) => i.name)).toEqual(['gw-1']);
      expect(first.next).toContain('offset=2');
    }
    const other = (await (await fetch(`${api}/meshes/other/dataplanes+insights`)).json()) as { total: number };
    expect(other.total).toBe(0);
    expect((await fetch(`${api}/meshes/default/dataplanes+insights?size=0`)).status).toBe(400);
  });

  it("applies Kuma's filters: gateway, tag (key:value, value as a substring) and name", async () => {
    const names = async (query: string) => ((await (await fetch(`${api}/meshes/default/dataplanes+insights?${query}`)).json()) as { items: { name: string }[] }).items.map((i) => i.name);
    expect(await names('')).toEqual(['backend-1', 'gw-1', 'gw-idle', 'kong-1']);
    expect(await names('gateway=true')).toEqual(['gw-1', 'gw-idle', 'kong-1']);
    expect(await names('gateway=false')).toEqual(['backend-1']);
    expect(await names('gateway=builtin')).toEqual(['gw-1', 'gw-idle']);
    expect(await names('gateway=delegated')).toEqual(['kong-1']);
    expect(await names('tag=kuma.io/service:back')).toEqual(['backend-1']);
    expect(await names('tag=kuma.io/service:edge&name=idle')).toEqual(['gw-idle']);
    expect(await names('tag=kuma.io/service:backend&tag=version:v1')).toEqual([]);
    const bad = await fetch(`${api}/meshes/default/dataplanes/_overview?gateway=maybe&tag=novalue`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { invalid_parameters: { field: string }[] }).invalid_parameters.map((v) => v.field)).toEqual(['gateway', 'tag[0]']);
  });
});
