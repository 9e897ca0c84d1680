// The whole universal-mode control plane in-process, over real HTTP and real gRPC on loopback:
// resources written through the REST API reach a simulated Envoy over ADS; replicas share one
// snapshot; a restarted control plane on the same embedded store produces identical versions, so a
// delta reconnect re-sends nothing. ADS runs over TLS verified by the control plane's CA.
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, startControlPlane, type ControlPlane } from '../../src/runtime/control-plane.js';
import { TypeUrl } from '../../src/xds/cache/resource-types.js';
import { AdsClient } from '../support/ads-client.js';
import { generateTestTls, testTls } from '../support/tls-fixtures.js';
import { httpCall } from '../support/https-request.js';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/output.js';
import { eventually } from '../support/processes.js';

const logger = pino({ level: 'silent' });
const running: ControlPlane[] = [];
const clients: AdsClient[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const cp of running.splice(0)) await cp.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** With a data directory the certificates are generated into it; otherwise the shared test ones are used. */
async function controlPlane(store: 'memory' | 'embedded', dataDir = '', xdsPort = 0): Promise<ControlPlane> {
  const tls = { ...DEFAULT_CONFIG.tls, ...(dataDir ? {} : { dir: (await testTls()).dir }) };
  const cp = await startControlPlane({ ...DEFAULT_CONFIG, store, dataDir, apiPort: 0, xdsPort, debounceMs: 10, tls, logger });
  running.push(cp);
  return cp;
}

async function put(cp: ControlPlane, doc: Record<string, unknown>): Promise<void> {
  const base = `http://127.0.0.1:${cp.apiPort}`;
  const url =
    doc.type === 'Mesh'
      ? `${base}/meshes/${String(doc.name)}`
      : `${base}/meshes/${String(doc.mesh)}/${String(doc.type).toLowerCase()}s/${String(doc.name)}`;
  const res = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(doc) });
  expect(res.status, await res.text()).toBeLessThan(300);
}

async function seed(cp: ControlPlane, routePath = '/api'): Promise<void> {
  await put(cp, { type: 'Mesh', name: 'default' });
  await put(cp, {
    type: 'Dataplane',
    mesh: 'default',
    name: 'backend-1',
    networking: { address: '10.0.0.1', inbound: [{ port: 8080, tags: { 'kuma.io/service': 'backend' } }] },
  });
  for (const [name, address] of [['gw-1', '127.0.0.1'], ['gw-2', '127.0.0.1'], ['gw-3', '127.0.0.3']]) {
    await put(cp, {
      type: 'Dataplane',
      mesh: 'default',
      name,
      networking: { address, gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge' } } },
    });
  }
  await put(cp, {
    type: 'MeshGateway',
    mesh: 'default',
    name: 'edge',
    selectors: [{ match: { 'kuma.io/service': 'edge' } }],
    conf: { listeners: [{ port: 8080, protocol: 'HTTP' }] },
  });
  await setRoute(cp, routePath);
}

async function setRoute(cp: ControlPlane, routePath: string): Promise<void> {
  await put(cp, {
    type: 'MeshGatewayRoute',
    mesh: 'default',
    name: 'api',
    selectors: [{ match: { 'kuma.io/service': 'edge' } }],
    conf: { http: { rules: [{ matches: [{ path: { match: 'PREFIX', value: routePath } }], backends: [{ destination: { 'kuma.io/service': 'backend' } }] }] } },
  });
  await cp.flush();
}

function connect(cp: ControlPlane, nodeId: string, mode: 'sotw' | 'delta'): AdsClient {
  const client = AdsClient.connect(`127.0.0.1:${cp.xdsPort}`, nodeId, mode, { followReferences: true, ca: readFileSync(cp.caFile!, 'utf8') });
  clients.push(client);
  client.subscribe(TypeUrl.Cluster);
  client.subscribe(TypeUrl.Listener);
  return client;
}

function routePaths(client: AdsClient): string[] {
  const rc = client.decoded(TypeUrl.RouteConfiguration, 'edge:HTTP:8080:*') as { virtual_hosts?: { routes?: { match: Record<string, string> }[] }[] } | undefined;
  return (rc?.virtual_hosts ?? []).flatMap((vh) => (vh.routes ?? []).map((r) => r.match.path ?? r.match.prefix ?? ''));
}

describe('control plane: REST -> store -> translation -> ADS', () => {
  for (const mode of ['delta', 'sotw'] as const) {
    it(`delivers a gateway's listener, cluster, endpoints and routes (${mode})`, async () => {
      const cp = await controlPlane('memory');
      await seed(cp);
      const client = connect(cp, 'default.gw-1', mode);
      await client.waitForHeld(TypeUrl.RouteConfiguration, (h) => h.has('edge:HTTP:8080:*'));
      expect([...client.held(TypeUrl.Listener).keys()]).toEqual(['edge:HTTP:8080']);
      const clusterNames = [...client.held(TypeUrl.Cluster).keys()];
      expect(clusterNames).toHaveLength(1);
      await client.waitForHeld(TypeUrl.ClusterLoadAssignment, (h) => h.has(clusterNames[0]!));
      expect(routePaths(client)).toEqual(['/api', '/api/']);

      await setRoute(cp, '/v2');
      await client.waitForHeld(TypeUrl.RouteConfiguration, () => routePaths(client).includes('/v2/'));
      expect(routePaths(client)).toEqual(['/v2', '/v2/']);
    });
  }

  it('shares one snapshot between replicas at one address, and all but listeners across addresses', async () => {
    const cp = await controlPlane('memory');
    await seed(cp);
    const [a, b, c] = ['default.gw-1', 'default.gw-2', 'default.gw-3'].map((n) => cp.cache.get(n));
    expect(a).toBeDefined();
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    const rds = (s: typeof a) => s!.types.get(TypeUrl.RouteConfiguration)!.resources.get('edge:HTTP:8080:*')!.bytes;
    const lds = (s: typeof a) => s!.types.get(TypeUrl.Listener)!.resources.get('edge:HTTP:8080')!.bytes;
    expect(rds(c)).toBe(rds(a)); // the very same encoded bytes, encoded once
    expect(Buffer.from(lds(c)).equals(Buffer.from(lds(a)))).toBe(false); // the listener address differs
  });

  it('serves what a dataplane receives in config_dump shape at /meshes/{mesh}/dataplanes/{name}/xds', async () => {
    const cp = await controlPlane('memory');
    await seed(cp);
    const res = await fetch(`http://127.0.0.1:${cp.apiPort}/meshes/default/dataplanes/gw-1/xds`);
    expect(res.status).toBe(200);
    const dump = (await res.json()) as { configs: { '@type': string; dynamic_listeners?: { name: string }[]; dynamic_route_configs?: unknown[] }[] };
    const listeners = dump.configs.find((c) => c['@type'].endsWith('ListenersConfigDump'));
    expect(listeners?.dynamic_listeners?.map((l) => l.name)).toEqual(['edge:HTTP:8080']);
    expect(dump.configs.find((c) => c['@type'].endsWith('RoutesConfigDump'))?.dynamic_route_configs).toHaveLength(1);
    expect((await fetch(`http://127.0.0.1:${cp.apiPort}/meshes/default/dataplanes/unknown/xds`)).status).toBe(404);
  });

  it('reports MeshGateway and MeshGatewayRoute conditions through the REST API, Programmed counting ACKing proxies', async () => {
    const cp = await controlPlane('memory');
    await seed(cp);
    type Status = { conditions: { type: string; status: string; reason: string; message: string }[]; proxies?: { selected: number; connected: number; acknowledged: number } };
    const status = async (path: string): Promise<Status> => {
      const res = await fetch(`http://127.0.0.1:${cp.apiPort}/meshes/default/${path}/status`);
      expect(res.status).toBe(200);
      return (await res.json()) as Status;
    };
    const condition = (s: Status, type: string) => s.conditions.find((c) => c.type === type);
    let gw = await status('meshgateways/edge');
    expect(condition(gw, 'Accepted')).toMatchObject({ status: 'True', reason: 'Accepted' });
    expect(condition(gw, 'Programmed')).toMatchObject({ status: 'False', reason: 'Pending', message: '0/3 proxies acknowledged the current configuration; 3 not connected' });

    const client = connect(cp, 'default.gw-1', 'delta');
    await client.waitForHeld(TypeUrl.RouteConfiguration, (h) => h.has('edge:HTTP:8080:*'));
    const clusterName = [...client.held(TypeUrl.Cluster).keys()][0]!;
    await client.waitForHeld(TypeUrl.ClusterLoadAssignment, (h) => h.has(clusterName));
    await client.collect(100);
    gw = await status('meshgateways/edge');
    expect(gw.proxies).toEqual({ selected: 3, connected: 1, acknowledged: 1, rejected: 0 });
    expect(condition(gw, 'Programmed')?.message).toBe('1/3 proxies acknowledged the current configuration; 2 not connected');

    const route = await status('meshgatewayroutes/api');
    expect(condition(route, 'Accepted')).toMatchObject({ status: 'True' });
    expect(condition(route, 'ResolvedRefs')).toMatchObject({ status: 'True' });

    // A route to a service nobody serves, and a TCP route that no HTTP listener can take.
    await put(cp, {
      type: 'MeshGatewayRoute', mesh: 'default', name: 'ghost',
      selectors: [{ match: { 'kuma.io/service': 'edge' } }],
      conf: { http: { rules: [{ matches: [{ path: { match: 'PREFIX', value: '/ghost' } }], backends: [{ destination: { 'kuma.io/service': 'nobody' } }] }] } },
    });
    await put(cp, {
      type: 'MeshGatewayRoute', mesh: 'default', name: 'tcp-on-http',
      selectors: [{ match: { 'kuma.io/service': 'edge' } }],
      conf: { tcp: { rules: [{ backends: [{ destination: { 'kuma.io/service': 'backend' } }] }] } },
    });
    await cp.flush();
    expect(condition(await status('meshgatewayroutes/ghost'), 'ResolvedRefs')).toMatchObject({ status: 'False', reason: 'BackendNotFound' });
    expect(condition(await status('meshgatewayroutes/tcp-on-http'), 'Accepted')).toMatchObject({ status: 'False', reason: 'NotBound' });
  });

  it('removes the snapshot of a deleted gateway Dataplane', async () => {
    const cp = await controlPlane('memory');
    await seed(cp);
    expect(cp.cache.get('default.gw-2')).toBeDefined();
    const res = await fetch(`http://127.0.0.1:${cp.apiPort}/meshes/default/dataplanes/gw-2`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    await cp.flush();
    expect(cp.cache.get('default.gw-2')).toBeUndefined();
    expect(cp.cache.get('default.gw-1')).toBeDefined();
  });

  it('restarted on the same embedded store, serves identical versions and certificates: a delta reconnect re-sends nothing', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'portico-feature-'));
    dirs.push(dataDir);
    const first = await controlPlane('embedded', dataDir);
    await seed(first);
    const client = connect(first, 'default.gw-1', 'delta');
    await client.waitForHeld(TypeUrl.RouteConfiguration, (h) => h.has('edge:HTTP:8080:*'));
    const clusterName = [...client.held(TypeUrl.Cluster).keys()][0]!;
    await client.waitForHeld(TypeUrl.ClusterLoadAssignment, (h) => h.has(clusterName));
    const versionsBefore = Object.fromEntries(
      [TypeUrl.Cluster, TypeUrl.ClusterLoadAssignment, TypeUrl.Listener, TypeUrl.RouteConfiguration].map((t) => [t, [...client.held(t).values()].map((r) => r.version)]),
    );
    const xdsPort = first.xdsPort;
    expect(first.caFile).toBe(path.join(dataDir, 'tls', 'ca.crt'));
    const certificates = ['ca.crt', 'server.crt', 'server.key'].map((f) => readFileSync(path.join(dataDir, 'tls', f), 'utf8'));
    await first.stop();
    running.splice(running.indexOf(first), 1);

    const second = await controlPlane('embedded', dataDir, xdsPort);
    expect(['ca.crt', 'server.crt', 'server.key'].map((f) => readFileSync(path.join(dataDir, 'tls', f), 'utf8'))).toEqual(certificates);
    // The reconnecting client still trusts the first start's CA.
    const again = client.reconnect();
    clients.push(again);
    // Every type is answered (delta: an empty response when nothing changed), with no resource.
    await again.waitFor(TypeUrl.Listener);
    await again.waitFor(TypeUrl.Cluster);
    const late = await again.collect(300);
    const resent = [...again.responses, ...late].flatMap((r) => r.resources);
    expect(resent).toEqual([]);
    const snapshot = second.cache.get('default.gw-1')!;
    for (const [typeUrl, versions] of Object.entries(versionsBefore)) {
      expect([...snapshot.types.get(typeUrl)!.resources.values()].map((r) => r.version)).toEqual(versions);
    }
  });

  it("serves the operator's certificate files and a replacement of them without a restart on both TLS ports, open streams staying up (S6)", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'portico-feature-'));
    dirs.push(dir);
    const [a, b] = [await generateTestTls(), await generateTestTls()];
    const certFile = path.join(dir, 'tls.crt');
    const keyFile = path.join(dir, 'tls.key');
    copyFileSync(a.certFile, certFile);
    copyFileSync(a.keyFile, keyFile);
    const cp = await startControlPlane({
      ...DEFAULT_CONFIG, store: 'memory', dataDir: '', apiPort: 0, apiHttpsPort: 0, xdsPort: 0, debounceMs: 10, logger,
      tls: { ...DEFAULT_CONFIG.tls, certFile, keyFile, reloadIntervalMs: 50 },
    });
    running.push(cp);
    expect(cp.caFile).toBeUndefined();
    await seed(cp);
    const client = AdsClient.connect(`127.0.0.1:${cp.xdsPort}`, 'default.gw-1', 'delta', { followReferences: true, ca: a.caPem });
    clients.push(client);
    client.subscribe(TypeUrl.Cluster);
    client.subscribe(TypeUrl.Listener);
    await client.waitForHeld(TypeUrl.RouteConfiguration, (h) => h.has('edge:HTTP:8080:*'));
    const servedSerial = (ca: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = tls.connect({ host: '127.0.0.1', servername: '', port: cp.xdsPort, ca, ALPNProtocols: ['h2'] }, () => {
          resolve(socket.getPeerCertificate().serialNumber);
          socket.destroy();
        });
        socket.once('error', reject);
      });
    const serialOf = (pem: string) => new X509Certificate(pem).serialNumber;
    expect(await servedSerial(a.caPem)).toBe(serialOf(a.serving.cert));

    // Key first, then certificate, as an operator (or cert-manager) replaces them.
    copyFileSync(b.keyFile, keyFile);
    copyFileSync(b.certFile, certFile);
    await eventually(async () => (await servedSerial(b.caPem)) === serialOf(b.serving.cert), 10_000, 'the new certificate to be served');
    expect((await httpCall(`https://127.0.0.1:${cp.apiHttpsPort}/meshes`, { ca: b.caPem })).serial).toBe(serialOf(b.serving.cert));

    await setRoute(cp, '/rotated');
    await client.waitForHeld(TypeUrl.RouteConfiguration, () => routePaths(client).includes('/rotated/'));
    expect(client.status).toBeUndefined();
  });

  it('serves the REST API over HTTPS with the control plane certificate; the CLI verifies it by --api-ca-cert-file', async () => {
    const cp = await startControlPlane({
      ...DEFAULT_CONFIG, store: 'memory', dataDir: '', apiPort: 0, apiHttpsPort: 0, xdsPort: 0, debounceMs: 10, logger,
      tls: { ...DEFAULT_CONFIG.tls, dir: (await testTls()).dir },
    });
    running.push(cp);
    await seed(cp);
    const { caPem, caFile } = await testTls();
    const base = `https://127.0.0.1:${cp.apiHttpsPort}`;
    const meshes = await httpCall(`${base}/meshes?size=1`, { ca: caPem });
    expect(meshes.status).toBe(200);
    expect(JSON.parse(meshes.body)).toMatchObject({ total: 1, items: [{ name: 'default' }] });
    // Links point back at the HTTPS listener.
    const dataplanes = JSON.parse((await httpCall(`${base}/meshes/default/dataplanes?size=1`, { ca: caPem })).body) as { next: string | null };
    expect(dataplanes.next).toMatch(new RegExp(`^${base}/meshes/default/dataplanes\\?`));
    await expect(httpCall(`${base}/meshes`, { ca: (await generateTestTls()).caPem })).rejects.toThrow(/certificate/);

    const run = async (...args: string[]) => {
      let out = '';
      const io: CliIo = { stdout: (t) => void (out += t), stderr: (t) => void (out += t), readStdin: async () => '', now: () => new Date() };
      const code = await main(['node', 'portico', ...args], io);
      return { code, out };
    };
    const verified = await run('get', 'meshes', '--api', base, '--api-ca-cert-file', caFile, '-o', 'json');
    expect(verified.code, verified.out).toBe(0);
    expect(verified.out).toContain('"default"');
    const unverified = await run('get', 'meshes', '--api', base);
    expect(unverified.code).toBe(1);
    expect(unverified.out).toMatch(/cannot reach the Portico API at https:\/\/127\.0\.0\.1:\d+: .*certificate/);
  });
});

describe('control plane: REST API authentication', () => {
  it('creates the admin user token on first start; with loopback admin off it is the way in', async () => {
    const cp = await startControlPlane({ ...DEFAULT_CONFIG, store: 'memory', dataDir: '', apiPort: 0, xdsPort: 0, logger, apiAuth: { localhostIsAdmin: false, bootstrapAdminToken: true } });
    running.push(cp);
    const secret = await cp.store.get({ kind: 'GlobalSecret', mesh: 'admin-user-token', name: 'admin-user-token' });
    const token = Buffer.from(String((secret?.spec as { data?: string } | undefined)?.data), 'base64').toString();
    const base = `http://127.0.0.1:${cp.apiPort}`;
    expect((await fetch(`${base}/meshes`)).status).toBe(401);
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    const put = await fetch(`${base}/meshes/default`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"type":"Mesh","name":"default"}' });
    expect(put.status).toBe(201);
  });

  it('creates no admin user token when the bootstrap is off', async () => {
    const cp = await startControlPlane({ ...DEFAULT_CONFIG, store: 'memory', dataDir: '', apiPort: 0, xdsPort: 0, logger, apiAuth: { localhostIsAdmin: true, bootstrapAdminToken: false } });
    running.push(cp);
    expect(await cp.store.list('GlobalSecret')).toEqual([]);
  });
});
