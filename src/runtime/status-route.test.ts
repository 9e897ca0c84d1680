import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../api-server/server.js';
import { MemoryStore } from '../core/memory-store.js';
import type { StoredResource } from '../core/resource.js';
import { storedResource } from '../gateway/testdata/load-case.js';
import { ResourceStatuses } from './resource-status.js';
import { statusRoutes } from './status-route.js';

const NOW = new Date('2024-05-01T10:00:00.000Z');

const EDGE = storedResource<'MeshGateway'>({
  type: 'MeshGateway',
  mesh: 'prod',
  name: 'edge.v1',
  selectors: [{ match: { 'kuma.io/service': 'edge' } }],
  conf: { listeners: [{ port: 8080, protocol: 'HTTP' }] },
});
const GW = storedResource<'Dataplane'>({
  type: 'Dataplane',
  mesh: 'prod',
  name: 'gw-1',
  networking: { address: '10.0.0.1', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge' } } },
});
const WEB = storedResource<'MeshGatewayRoute'>({
  type: 'MeshGatewayRoute',
  mesh: 'prod',
  name: 'web',
  selectors: [{ match: { 'kuma.io/service': 'edge' } }],
  conf: { http: { rules: [{ matches: [{ path: { match: 'PREFIX', value: '/' } }], backends: [{ destination: { 'kuma.io/service': 'echo' } }] }] } },
});

function statuses(): ResourceStatuses {
  const holder = new ResourceStatuses({ delivery: () => ({ connected: true, acked: true }), now: () => NOW });
  const dataplanes: StoredResource<'Dataplane'>[] = [GW];
  holder.update('prod', {
    mesh: 'prod',
    gateways: [EDGE],
    routes: [WEB],
    dataplanes,
    translations: [{ proxy: 'gw-1', gateway: 'edge.v1', translation: { problems: [] } }],
  });
  return holder;
}

describe('GET /meshes/{mesh}/meshgateways|meshgatewayroutes/{name}/status', () => {
  let server: ApiServer;
  let api: string;

  beforeAll(async () => {
    server = createApiServer({ store: new MemoryStore(), logger: pino({ level: 'silent' }), isReady: () => true, extraRoutes: statusRoutes(statuses()) });
    api = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
  });

  afterAll(async () => {
    await server.close();
  });

  it("answers a MeshGateway's conditions and proxy counts", async () => {
    const res = await fetch(`${api}/meshes/prod/meshgateways/edge.v1/status`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      conditions: [
        { type: 'Accepted', status: 'True', reason: 'Accepted', message: 'accepted', observedGeneration: 1, lastTransitionTime: NOW.toISOString() },
        {
          type: 'Programmed',
          status: 'True',
          reason: 'Programmed',
          message: '1/1 proxies acknowledged the current configuration',
          observedGeneration: 1,
          lastTransitionTime: NOW.toISOString(),
        },
      ],
      proxies: { selected: 1, connected: 1, acknowledged: 1, rejected: 0 },
    });
  });

  it("answers a MeshGatewayRoute's conditions, an unserved backend included", async () => {
    const res = await fetch(`${api}/meshes/prod/meshgatewayroutes/web/status`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { conditions: { type: string; status: string; reason: string; message: string }[] };
    expect(body.conditions.map((c) => [c.type, c.status, c.reason, c.message])).toEqual([
      ['Accepted', 'True', 'Accepted', 'accepted'],
      ['ResolvedRefs', 'False', 'BackendNotFound', 'no Dataplane serves kuma.io/service=echo'],
      ['Programmed', 'True', 'Programmed', '1/1 proxies acknowledged the current configuration'],
    ]);
  });

  it('decodes path segments', async () => {
    expect((await fetch(`${api}/meshes/prod/meshgateways/edge%2Ev1/status`)).status).toBe(200);
  });

  it('answers 404 for unknown resources, meshes and the wrong kind', async () => {
    for (const path of [
      '/meshes/prod/meshgateways/nope/status',
      '/meshes/other/meshgateways/edge.v1/status',
      '/meshes/prod/meshgatewayroutes/edge.v1/status',
      '/meshes/prod/dataplanes/gw-1/status',
    ]) {
      const res = await fetch(`${api}${path}`);
      expect(res.status, path).toBe(404);
    }
  });
});
