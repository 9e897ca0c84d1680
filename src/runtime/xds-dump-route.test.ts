import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayInput, secret } from '../../test/support/ads-fixtures.js';
import { createApiServer, type ApiServer } from '../api-server/server.js';
import { MemoryStore } from '../core/memory-store.js';
import { TypeUrl } from '../xds/cache/resource-types.js';
import { buildSnapshot } from '../xds/cache/snapshot.js';
import { SnapshotCache } from '../xds/cache/snapshot-cache.js';
import { encodeResource } from '../xds/envoy/encode.js';
import { REDACTED } from './envoy-dump.js';
import { xdsDumpRoute } from './xds-dump-route.js';

const KEY = '-----BEGIN PRIVATE KEY-----\nnot-a-real-key\n-----END PRIVATE KEY-----\n';

/** A served snapshot: the default fixture shape plus a certificate secret with a private key. */
function servedSnapshot() {
  const tlsSecret = {
    name: 'cert.rsa:secret:edge-tls',
    bytes: encodeResource(TypeUrl.Secret, {
      name: 'cert.rsa:secret:edge-tls',
      tls_certificate: { certificate_chain: { inline_string: 'CHAIN' }, private_key: { inline_string: KEY } },
    }),
  };
  return buildSnapshot({ ...gatewayInput(), [TypeUrl.Secret]: [secret('mesh-ca'), tlsSecret] });
}

interface Section {
  '@type': string;
  version_info?: string;
  [list: string]: unknown;
}

describe('GET /meshes/{mesh}/dataplanes/{name}/xds', () => {
  const cache = new SnapshotCache();
  const snapshot = servedSnapshot();
  let server: ApiServer;
  let api: string;

  beforeAll(async () => {
    cache.set('default.edge-1', snapshot);
    cache.setReady();
    const store = new MemoryStore();
    server = createApiServer({ store, logger: pino({ level: 'silent' }), isReady: () => true, extraRoutes: [xdsDumpRoute(cache)] });
    api = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
  });

  afterAll(async () => {
    await server.close();
  });

  it("answers the served snapshot in Envoy's config_dump shape", async () => {
    const res = await fetch(`${api}/meshes/default/dataplanes/edge-1/xds`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { configs: Section[] };
    expect(body.configs.map((c) => c['@type'].replace('type.googleapis.com/envoy.admin.v3.', ''))).toEqual([
      'ClustersConfigDump',
      'EndpointsConfigDump',
      'ListenersConfigDump',
      'RoutesConfigDump',
      'SecretsConfigDump',
    ]);
    const [clusters, endpoints, listeners, routes] = body.configs;
    const version = (typeUrl: string) => snapshot.types.get(typeUrl)?.version;
    expect(clusters?.['dynamic_active_clusters']).toEqual([
      {
        version_info: version(TypeUrl.Cluster),
        cluster: expect.objectContaining({ '@type': TypeUrl.Cluster, name: 'a', type: 'EDS' }),
      },
    ]);
    expect(endpoints?.['dynamic_endpoint_configs']).toEqual([
      { version_info: version(TypeUrl.ClusterLoadAssignment), endpoint_config: expect.objectContaining({ cluster_name: 'a' }) },
    ]);
    expect(listeners?.version_info).toBe(version(TypeUrl.Listener));
    expect(listeners?.['dynamic_listeners']).toEqual([
      { name: 'l', active_state: { version_info: version(TypeUrl.Listener), listener: expect.objectContaining({ name: 'l' }) } },
    ]);
    expect(routes?.['dynamic_route_configs']).toEqual([
      { version_info: version(TypeUrl.RouteConfiguration), route_config: expect.objectContaining({ name: 'r' }) },
    ]);
  });

  it('always redacts private keys', async () => {
    const text = await (await fetch(`${api}/meshes/default/dataplanes/edge-1/xds`)).text();
    expect(text).not.toContain('PRIVATE KEY');
    const secrets = (JSON.parse(text) as { configs: Section[] }).configs[4]?.['dynamic_active_secrets'];
    expect(secrets).toEqual([
      {
        name: 'cert.rsa:secret:edge-tls',
        version_info: snapshot.types.get(TypeUrl.Secret)?.version,
        secret: {
          '@type': TypeUrl.Secret,
          name: 'cert.rsa:secret:edge-tls',
          tls_certificate: { certificate_chain: { inline_string: 'CHAIN' }, private_key: { inline_string: REDACTED } },
        },
      },
      expect.objectContaining({ name: 'mesh-ca' }),
    ]);
  });

  it('answers 404 for a dataplane without a snapshot', async () => {
    for (const path of ['/meshes/default/dataplanes/unknown/xds', '/meshes/other/dataplanes/edge-1/xds']) {
      const res = await fetch(`${api}${path}`);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ status: 404, instance: path });
    }
  });
});

describe('xdsDumpRoute before the cache is ready', () => {
  it('answers 404: nothing is served before the first full load', async () => {
    const cache = new SnapshotCache();
    cache.set('default.edge-1', servedSnapshot());
    const route = xdsDumpRoute(cache);
    const request = { method: 'GET', url: new URL('http://localhost/meshes/default/dataplanes/edge-1/xds'), headers: {}, body: '' };
    const params = { mesh: 'default', name: 'edge-1' };
    expect((await route.handler(request, params)).status).toBe(404);
    cache.setReady();
    expect((await route.handler(request, params)).status).toBe(200);
  });
});
