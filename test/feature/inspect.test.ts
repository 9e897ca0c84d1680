// The inspect API and `portico inspect` over a real control plane (issue 13, deliverable 4): an
// in-process control plane on loopback with loopback admin off, resources written through its REST
// API, one simulated Envoy (real gRPC ADS, ACKing) for gw-1 while gw-2 never connects. Mesh
// insights, gateway and route overviews, a proxy's policies, the Envoy admin views, 404s,
// who may read them, and the CLI's tables read from them.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/output.js';
import { DEFAULT_CONFIG, startControlPlane, type ControlPlane } from '../../src/runtime/control-plane.js';
import { ADMIN_GROUP, UserTokens } from '../../src/tokens/user-token.js';
import { TypeUrl } from '../../src/xds/cache/resource-types.js';
import { AdsClient } from '../support/ads-client.js';
import { tokenMetadata } from '../support/dataplane-tokens.js';

const SERVICE = 'kuma.io/service';
let cp: ControlPlane;
let api: string;
let admin: string;
let member: string;
let envoy: AdsClient | undefined;

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function put(doc: Record<string, unknown>, plural: string): Promise<void> {
  const path = doc['type'] === 'Mesh' ? `/meshes/${String(doc['name'])}` : `/meshes/${String(doc['mesh'])}/${plural}/${String(doc['name'])}`;
  const res = await fetch(`${api}${path}`, { method: 'PUT', headers: { 'content-type': 'application/json', ...bearer(admin) }, body: JSON.stringify(doc) });
  expect(res.status, await res.text()).toBeLessThan(300);
}

/** GET with a token (default: the member's, an authenticated non-admin user; null: none): status and JSON body. */
async function get(path: string, token: string | null = member): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${api}${path}`, { headers: token === null ? {} : bearer(token) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), readStdin: () => Promise.resolve(''), now: () => new Date() };
  const code = await main(['node', 'portico', '--api', api, '--api-token', member, ...args], io);
  return { code, stdout, stderr };
}

/** Resolves once `check` holds; polls every 50 ms, for at most 10 s. */
async function until(check: () => Promise<boolean>): Promise<void> {
  for (const deadline = Date.now() + 10_000; !(await check()); ) {
    if (Date.now() > deadline) throw new Error('gw-1 did not acknowledge its configuration within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Rows of a table, cells split on runs of two or more spaces. */
const rows = (table: string) => table.trimEnd().split('\n').map((l) => l.split(/ {2,}/));

beforeAll(async () => {
  cp = await startControlPlane({ ...DEFAULT_CONFIG, store: 'memory', dataDir: '', apiPort: 0, xdsPort: 0, debounceMs: 10, apiAuth: { localhostIsAdmin: false, bootstrapAdminToken: false }, logger: pino({ level: 'silent' }) });
  api = `http://127.0.0.1:${cp.apiPort}`;
  const users = new UserTokens(cp.store);
  admin = await users.issue({ name: 'ops', groups: [ADMIN_GROUP] }, 3600, Date.now());
  member = await users.issue({ name: 'john', groups: ['team-a'] }, 3600, Date.now());
  // The new mesh brings its default policies (timeout-all-default, ...).
  await put({ type: 'Mesh', name: 'default' }, 'meshes');
  await put({ type: 'MeshGateway', mesh: 'default', name: 'edge', selectors: [{ match: { [SERVICE]: 'edge' } }], conf: { listeners: [{ port: 8080, protocol: 'HTTP' }] } }, 'meshgateways');
  const rule = { matches: [{ path: { match: 'PREFIX', value: '/shop' } }], backends: [{ destination: { [SERVICE]: 'shop' } }] };
  await put({ type: 'MeshGatewayRoute', mesh: 'default', name: 'shop-route', selectors: [{ match: { [SERVICE]: 'edge' } }], conf: { http: { rules: [rule] } } }, 'meshgatewayroutes');
  await put({ type: 'MeshGatewayRoute', mesh: 'default', name: 'stray', selectors: [{ match: { [SERVICE]: 'nobody' } }], conf: { http: { rules: [rule] } } }, 'meshgatewayroutes');
  for (const name of ['gw-1', 'gw-2']) {
    await put({ type: 'Dataplane', mesh: 'default', name, networking: { address: '127.0.0.1', gateway: { type: 'BUILTIN', tags: { [SERVICE]: 'edge' } } } }, 'dataplanes');
  }
  await put({ type: 'Dataplane', mesh: 'default', name: 'shop-1', networking: { address: '127.0.0.1', inbound: [{ port: 20001, servicePort: 20101, tags: { [SERVICE]: 'shop' } }] } }, 'dataplanes');
  await put(
    { type: 'Dataplane', mesh: 'default', name: 'web-1', networking: { address: '127.0.0.1', inbound: [{ port: 20002, servicePort: 20102, tags: { [SERVICE]: 'web' } }], outbound: [{ port: 10001, tags: { [SERVICE]: 'shop' } }] } },
    'dataplanes',
  );
  await cp.flush();
  // gw-1's simulated Envoy, with its own dataplane token; it ACKs what it is sent.
  const issued = await fetch(`${api}/tokens/dataplane`, { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(admin) }, body: JSON.stringify({ mesh: 'default', name: 'gw-1' }) });
  expect(issued.status).toBe(200);
  envoy = AdsClient.connect(`127.0.0.1:${cp.xdsPort}`, 'default.gw-1', 'sotw', { followReferences: true, ca: readFileSync(cp.caFile!, 'utf8'), metadata: tokenMetadata(await issued.text()) });
  envoy.subscribe(TypeUrl.Cluster);
  envoy.subscribe(TypeUrl.Listener);
  await until(async () => {
    const items = (await get('/meshes/default/meshgateways/_overview')).body['items'] as { dataplanes: { name: string; acknowledged: boolean }[] }[];
    return items[0]?.dataplanes.find((d) => d.name === 'gw-1')?.acknowledged === true;
  });
}, 60_000);

afterAll(async () => {
  envoy?.close();
  await cp?.stop();
});

describe('mesh insights', () => {
  it('count Dataplanes by state and type, and policies per kind', async () => {
    const { status, body } = await get('/mesh-insights/default');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      type: 'MeshInsight',
      name: 'default',
      dataplanes: { total: 4, online: 1, offline: 3, partiallyDegraded: 0 },
      dataplanesByType: { standard: { total: 2, online: 0 }, gatewayBuiltin: { total: 2, online: 1 } },
      services: { internal: 3, external: 0 },
    });
    expect((body['policies'] as Record<string, { total: number }>)['MeshGatewayRoute']).toEqual({ total: 2 });
    expect((body['policies'] as Record<string, { total: number }>)['Timeout']?.total).toBeGreaterThanOrEqual(1);
  });

  it('are listed and paged at Kuma\'s path and at /meshes/_overview; 404 for an unknown mesh', async () => {
    await put({ type: 'Mesh', name: 'other' }, 'meshes');
    for (const path of ['/mesh-insights', '/meshes/_overview']) {
      const all = await get(path);
      expect(all.body).toMatchObject({ total: 2, next: null, items: [{ name: 'default' }, { name: 'other', dataplanes: { total: 0 } }] });
      const first = await get(`${path}?size=1`);
      expect(first.body).toMatchObject({ total: 2, items: [{ name: 'default' }] });
      expect(String(first.body['next'])).toContain('offset=1');
    }
    expect((await get('/mesh-insights/nope')).status).toBe(404);
    expect((await get('/mesh-insights?size=0')).status).toBe(400);
  });
});

describe('gateway and route overviews', () => {
  it('list each gateway with its conditions and proxies: gw-1 connected and ACKed, gw-2 never connected', async () => {
    const { status, body } = await get('/meshes/default/meshgateways/_overview');
    expect(status).toBe(200);
    expect(body).toMatchObject({ total: 1, next: null });
    const [edge] = body['items'] as Record<string, unknown>[];
    expect(edge).toMatchObject({
      type: 'MeshGatewayOverview',
      name: 'edge',
      meshGateway: { conf: { listeners: [{ port: 8080 }] } },
      status: { proxies: { selected: 2, connected: 1, acknowledged: 1, rejected: 0 } },
      dataplanes: [
        { name: 'gw-1', connected: true, acknowledged: true },
        { name: 'gw-2', connected: false, acknowledged: false },
      ],
    });
    expect((edge!['status'] as { conditions: { type: string; reason: string }[] }).conditions.map((c) => `${c.type}/${c.reason}`)).toEqual(['Accepted/Accepted', 'Programmed/Pending']);
  });

  it('list each route with the gateways it is attached to; a route bound nowhere is NotBound', async () => {
    const { body } = await get('/meshes/default/meshgatewayroutes/_overview');
    const [shop, stray] = body['items'] as Record<string, unknown>[];
    expect(shop).toMatchObject({ type: 'MeshGatewayRouteOverview', name: 'shop-route', gateways: ['edge'], dataplanes: [{ name: 'gw-1' }, { name: 'gw-2' }] });
    expect(stray).toMatchObject({ name: 'stray', gateways: [], dataplanes: [] });
    expect((stray!['status'] as { conditions: { type: string; reason: string }[] }).conditions[0]).toMatchObject({ type: 'Accepted', reason: 'NotBound' });
  });

  it('are 404 for an unknown mesh', async () => {
    expect((await get('/meshes/nope/meshgateways/_overview')).status).toBe(404);
    expect((await get('/meshes/nope/meshgatewayroutes/_overview')).status).toBe(404);
  });
});

describe("a dataplane's policies", () => {
  it('a gateway proxy: its MeshGateway, its routes, and the default Timeout on its cluster and route', async () => {
    const { status, body } = await get('/meshes/default/dataplanes/gw-1/policies');
    expect(status).toBe(200);
    expect(body).toMatchObject({ kind: 'MeshGatewayDataplane', dataplane: { mesh: 'default', name: 'gw-1' }, gateway: { mesh: 'default', name: 'edge' }, routes: [{ name: 'shop-route', listeners: ['edge:HTTP:8080'] }] });
    const items = body['items'] as { type: string; name: string; matchedPolicies: Record<string, { name: string }[]> }[];
    expect(items.map((i) => i.type)).toEqual(['cluster', 'route', 'route']);
    for (const item of items) expect(item.matchedPolicies['Timeout']).toEqual([{ type: 'Timeout', mesh: 'default', name: 'timeout-all-default' }]);
  });

  it('a sidecar: its outbound and cluster; 404 for an unknown dataplane or mesh', async () => {
    const { body } = await get('/meshes/default/dataplanes/web-1/policies');
    expect(body).toMatchObject({ kind: 'SidecarDataplane', total: 2, items: [{ type: 'outbound', name: 'outbound:127.0.0.1:10001', destination: { [SERVICE]: 'shop' } }, { type: 'cluster', name: 'shop' }] });
    expect((await get('/meshes/default/dataplanes/nope/policies')).status).toBe(404);
    expect((await get('/meshes/nope/dataplanes/gw-1/policies')).status).toBe(404);
  });
});

describe("a proxy's Envoy admin views", () => {
  it('read a 127.0.0.1 proxy\'s admin directly, pass only read-only parameters, and say 502 when nothing answers; 404 for an unknown dataplane', async () => {
    // A stand-in for Envoy's admin on the control plane's host (the TLS path runs against a real
    // Envoy behind dp run in test/e2e/inspect-envoy-admin.test.ts).
    const seen: string[] = [];
    const envoyAdmin = http.createServer((req, res) => {
      seen.push(req.url ?? '');
      const json = req.url?.includes('format=json');
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'text/plain' }).end(json ? '{"stats":[{"name":"server.live","value":1}]}' : 'server.live: 1\n');
    });
    await new Promise<void>((r) => envoyAdmin.listen(0, '127.0.0.1', () => r()));
    try {
      const adminPort = (envoyAdmin.address() as AddressInfo).port;
      await put({ type: 'Dataplane', mesh: 'default', name: 'local-1', networking: { address: '127.0.0.1', admin: { port: adminPort }, gateway: { type: 'BUILTIN', tags: { [SERVICE]: 'local' } } } }, 'dataplanes');
      const res = await fetch(`${api}/meshes/default/dataplanes/local-1/stats?filter=server&quitquitquit=1`, { headers: bearer(admin) });
      expect([res.status, await res.text()]).toEqual([200, 'server.live: 1\n']);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect((await get('/meshes/default/dataplanes/local-1/stats?format=json', admin)).body).toEqual({ stats: [{ name: 'server.live', value: 1 }] });
      expect((await fetch(`${api}/meshes/default/dataplanes/local-1/clusters`, { headers: bearer(admin) })).status).toBe(200);
      expect(seen).toEqual(['/stats?filter=server', '/stats?format=json', '/clusters']);
      // A proxy elsewhere is read over TLS with the control plane's client certificate: here nothing listens.
      await put({ type: 'Dataplane', mesh: 'default', name: 'remote-1', networking: { address: '127.0.0.3', admin: { port: adminPort }, gateway: { type: 'BUILTIN', tags: { [SERVICE]: 'remote' } } } }, 'dataplanes');
      const down = await get('/meshes/default/dataplanes/remote-1/clusters', admin);
      expect(down.status).toBe(502);
      expect(String(down.body['detail'])).toContain(`https://127.0.0.3:${adminPort}`);
      for (const view of ['stats', 'clusters']) expect((await get(`/meshes/default/dataplanes/nope/${view}`, admin)).status).toBe(404);
    } finally {
      envoyAdmin.close();
      // The other tests count the mesh's Dataplanes.
      for (const name of ['local-1', 'remote-1']) await fetch(`${api}/meshes/default/dataplanes/${name}`, { method: 'DELETE', headers: bearer(admin) });
    }
  });
});

describe('access', () => {
  it('refuses anonymous callers everywhere; a member reads all but the Envoy admin views', async () => {
    const reads = ['/mesh-insights', '/mesh-insights/default', '/meshes/_overview', '/meshes/default/meshgateways/_overview', '/meshes/default/meshgatewayroutes/_overview', '/meshes/default/dataplanes/gw-1/policies'];
    for (const path of [...reads, '/meshes/default/dataplanes/gw-1/stats', '/meshes/default/dataplanes/gw-1/clusters']) expect((await get(path, null)).status, path).toBe(401);
    for (const path of reads) expect((await get(path)).status, path).toBe(200);
    expect((await get('/meshes/default/dataplanes/gw-1/stats')).status).toBe(403);
  });
});

describe('portico inspect and get', () => {
  it('inspect dataplanes: connected, acknowledged version state and last NACK per proxy', async () => {
    const out = await cli(['inspect', 'dataplanes']);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(rows(out.stdout)).toEqual([
      ['MESH', 'NAME', 'TYPE', 'CONNECTED', 'ACKED VERSION', 'LAST NACK'],
      ['default', 'gw-1', 'gateway/builtin', 'yes', 'in sync', '-'],
      ['default', 'gw-2', 'gateway/builtin', '-', '-', '-'],
      ['default', 'shop-1', 'standard', '-', '-', '-'],
      ['default', 'web-1', 'standard', '-', '-', '-'],
    ]);
    const json = JSON.parse((await cli(['inspect', 'dp', '-o', 'json'])).stdout) as { total: number; items: { type: string }[] };
    expect(json).toMatchObject({ total: 4, items: [{ type: 'DataplaneOverview' }, {}, {}, {}] });
    // Kuma's filters, as kumactl inspect dataplanes --gateway --tag k=v sends them.
    const names = async (args: string[]) => rows((await cli(['inspect', 'dataplanes', ...args])).stdout).slice(1).map((r) => r[1]);
    expect(await names(['--gateway'])).toEqual(['gw-1', 'gw-2']);
    expect(await names(['--gateway', 'false'])).toEqual(['shop-1', 'web-1']);
    expect(await names(['--tag', 'kuma.io/service=sho'])).toEqual(['shop-1']);
    expect(await cli(['inspect', 'meshes', '--gateway'])).toMatchObject({ code: 1, stderr: 'Error: --gateway and --tag filter the dataplanes list only\n' });
  });

  it('inspect meshes, meshgateways and meshgatewayroutes', async () => {
    const meshes = rows((await cli(['inspect', 'meshes'])).stdout);
    expect(meshes[0]).toEqual(['NAME', 'DATAPLANES (ONLINE/TOTAL)', 'MTLS', 'SERVICES', 'POLICIES']);
    expect(meshes[1]?.slice(0, 4)).toEqual(['default', '1/4', 'off', '3']);
    expect(rows((await cli(['inspect', 'mgw'])).stdout)).toEqual([
      ['MESH', 'NAME', 'ACCEPTED', 'PROGRAMMED', 'PROXIES', 'CONNECTED', 'ACKED'],
      ['default', 'edge', 'True', 'False (Pending)', '2', '1', '1'],
    ]);
    expect(rows((await cli(['inspect', 'meshgatewayroutes', '-m', 'default'])).stdout)).toEqual([
      ['MESH', 'NAME', 'ACCEPTED', 'RESOLVED REFS', 'PROGRAMMED', 'GATEWAYS'],
      ['default', 'shop-route', 'True', 'True', 'False (Pending)', 'edge'],
      ['default', 'stray', 'False (NotBound)', 'True', 'False (NoProxies)', '-'],
    ]);
    expect(rows((await cli(['inspect', 'meshgateway', 'edge'])).stdout)).toHaveLength(2);
    expect(await cli(['inspect', 'meshgateway', 'nope'])).toMatchObject({ code: 1, stderr: 'Error: meshgateway "nope" in mesh "default" not found\n' });
    expect(await cli(['inspect', 'meshgateways', '-m', 'nope'])).toMatchObject({ code: 1, stderr: 'Error: /meshes/nope/meshgateways/_overview: not found (is the mesh name right?)\n' });
  });

  it('inspect dataplane NAME: what applies to the proxy, place by place', async () => {
    const out = await cli(['inspect', 'dataplane', 'gw-1']);
    expect(out.code).toBe(0);
    const lines = out.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 3)).toEqual(['MeshGatewayDataplane "gw-1" in mesh "default"', 'gateway: edge', 'routes: shop-route (edge:HTTP:8080)']);
    expect(lines[3]?.split(/ {2,}/)).toEqual(['PLACE', 'APPLIED', 'LOST']);
    expect(lines.slice(4).every((l) => l.includes('Timeout timeout-all-default'))).toBe(true);
    expect(await cli(['inspect', 'dataplane', 'nope'])).toMatchObject({ code: 1, stderr: 'Error: dataplane "nope" in mesh "default" not found\n' });
    // The policy view is unchanged.
    expect((await cli(['inspect', 'timeouts', 'timeout-all-default'])).stdout).toMatch(/^Timeout "timeout-all-default" in mesh "default": its sources match 4 of 4 proxies/);
  });

  it('get appends CONNECTED, PROGRAMMED and ACCEPTED after the existing columns', async () => {
    const dps = rows((await cli(['get', 'dataplanes'])).stdout);
    expect(dps[0]).toEqual(['MESH', 'NAME', 'TYPE', 'ADDRESS', 'SERVICE', 'AGE', 'CONNECTED']);
    expect(dps.map((r) => [r[1], r[6]])).toEqual([['NAME', 'CONNECTED'], ['gw-1', 'yes'], ['gw-2', '-'], ['shop-1', '-'], ['web-1', '-']]);
    const gateways = rows((await cli(['get', 'meshgateways'])).stdout);
    expect(gateways.map((r) => [r[1], r[5]])).toEqual([['NAME', 'PROGRAMMED'], ['edge', 'False (Pending)']]);
    const routes = rows((await cli(['get', 'meshgatewayroutes'])).stdout);
    expect(routes.map((r) => [r[1], r[5]])).toEqual([['NAME', 'ACCEPTED'], ['shop-route', 'True'], ['stray', 'False (NotBound)']]);
    const one = rows((await cli(['get', 'meshgateway', 'edge'])).stdout);
    expect(one[1]?.[5]).toBe('False (Pending)');
  });
});
