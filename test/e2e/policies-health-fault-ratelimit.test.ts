// End to end with the real Envoy and real traffic through a builtin gateway: HealthCheck,
// FaultInjection and RateLimit policies (docs/gateway.md §2.16 [D7]) change what clients see, and
// changing or deleting a policy changes it back with nothing restarted. A sidecar's HTTP inbound
// applies FaultInjection and RateLimit to the callers their sources name, recognised by the
// x-kuma-tags a caller's proxy sends (here written by the test, as a calling proxy would). Each
// test waits for the effect itself (or for Envoy's /clusters to show the health state), never for
// a fixed time.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlPlane } from '../../src/runtime/control-plane.js';
import { httpBackend, type Backend } from '../support/backends.js';
import { putResource, runDataplane, startTestControlPlane, tearDown } from '../support/mesh-proxies.js';
import { eventually, freePort, request, type Running } from '../support/processes.js';

/** REST plural of each policy kind this test writes. */
const PLURALS: Readonly<Record<string, string>> = { HealthCheck: 'health-checks', FaultInjection: 'fault-injections', RateLimit: 'rate-limits' };

/** An HTTP server answering `{name}` on every path but `/health`, where it answers 503. */
async function failingHealthBackend(name: string): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    if (req.url === '/health') {
      res.writeHead(503).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The backend names answering `count` requests to `url`. */
async function namesSeen(url: string, count: number): Promise<Set<string>> {
  const names = new Set<string>();
  for (let i = 0; i < count; i++) {
    const res = await request(url);
    if (res.status === 200) names.add((JSON.parse(res.body) as { name: string }).name);
  }
  return names;
}

describe('HealthCheck, FaultInjection and RateLimit on a builtin gateway, with the real Envoy', () => {
  let cp: ControlPlane;
  let envoy: Running | undefined;
  let sidecar: Running | undefined;
  let adminPort = 0;
  let dir = '';
  let port = 0;
  const backends: { close(): Promise<void> }[] = [];
  let healthy: Backend;
  let sick: { port: number; close(): Promise<void> };

  const url = (p: string) => `http://127.0.0.1:${port}${p}`;
  const policy = (type: string, name: string, destination: Record<string, string>, conf: object) => ({
    type,
    mesh: 'default',
    name,
    sources: [{ match: { 'kuma.io/service': 'edge' } }],
    destinations: [{ match: destination }],
    conf,
  });
  const del = async (type: string, name: string) => {
    const res = await fetch(`http://127.0.0.1:${cp.apiPort}/meshes/default/${PLURALS[type]}/${name}`, { method: 'DELETE' });
    expect(res.status, await res.text()).toBeLessThan(300);
  };
  const put = async (doc: Record<string, unknown>) => {
    const plural = PLURALS[String(doc['type'])];
    if (plural === undefined) return putResource(cp, doc);
    const res = await fetch(`http://127.0.0.1:${cp.apiPort}/meshes/default/${plural}/${String(doc['name'])}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(doc) });
    expect(res.status, await res.text()).toBeLessThan(300);
  };
  const inbound = (name: string, service: string, p: number) => ({
    type: 'Dataplane',
    mesh: 'default',
    name,
    networking: { address: '127.0.0.1', inbound: [{ port: p, tags: { 'kuma.io/service': service, 'kuma.io/protocol': 'http' } }] },
  });
  const rule = (prefix: string, destination: Record<string, string>) => ({ matches: [{ path: { match: 'PREFIX', value: prefix } }], backends: [{ destination }] });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'portico-policies-'));
    cp = await startTestControlPlane();
    await put({ type: 'Mesh', name: 'default' });
    const limited = await httpBackend('limited');
    const faulty = await httpBackend('faulty');
    healthy = await httpBackend('healthy');
    sick = await failingHealthBackend('sick');
    backends.push(limited, faulty, healthy, sick);
    await put(inbound('limited-1', 'limited', limited.port));
    await put(inbound('faulty-1', 'faulty', faulty.port));
    await put(inbound('pool-1', 'pool', healthy.port));
    await put(inbound('pool-2', 'pool', sick.port));
    port = await freePort();
    await put({ type: 'MeshGateway', mesh: 'default', name: 'edge', selectors: [{ match: { 'kuma.io/service': 'edge' } }], conf: { listeners: [{ port, protocol: 'HTTP' }] } });
    await put({
      type: 'MeshGatewayRoute',
      mesh: 'default',
      name: 'routes',
      selectors: [{ match: { 'kuma.io/service': 'edge' } }],
      conf: {
        http: {
          rules: [
            rule('/limited', { 'kuma.io/service': 'limited' }),
            // FaultInjection destinations name an HTTP-based protocol, matched against backend tags.
            rule('/faulty', { 'kuma.io/service': 'faulty', 'kuma.io/protocol': 'http' }),
            rule('/pool', { 'kuma.io/service': 'pool' }),
          ],
        },
      },
    });
    const dp = await runDataplane(cp, dir, { type: 'Dataplane', mesh: 'default', name: 'gw-1', networking: { address: '127.0.0.1', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge' } } } });
    envoy = dp.process;
    adminPort = dp.adminPort;
    await eventually(async () => (await request(url('/limited'))).status === 200, 45_000, 'traffic through the gateway');
  }, 90_000);

  afterAll(async () => {
    await tearDown([envoy, sidecar].filter((e): e is Running => e !== undefined), backends, cp, dir);
  });

  it('rate limits past the configured requests with the configured status and headers, and stops when the policy changes or goes', async () => {
    await put(
      policy('RateLimit', 'rl-limited', { 'kuma.io/service': 'limited' }, {
        http: { requests: 2, interval: '1m', onRateLimit: { status: 423, headers: [{ key: 'x-rate-limited', value: 'yes' }] } },
      }),
    );
    let limited: Awaited<ReturnType<typeof request>> | undefined;
    await eventually(async () => {
      limited = await request(url('/limited'));
      return limited.status === 423;
    }, 20_000, 'a limited request');
    expect(limited!.headers['x-rate-limited']).toBe('yes');
    // The bucket is empty for a minute: every further request is limited; another route is not.
    for (let i = 0; i < 3; i++) expect((await request(url('/limited'))).status).toBe(423);
    expect((await request(url('/faulty'))).status).toBe(200);

    await put(policy('RateLimit', 'rl-limited', { 'kuma.io/service': 'limited' }, { http: { requests: 1000, interval: '1m' } }));
    await eventually(async () => (await request(url('/limited'))).status === 200, 20_000, 'requests allowed again by the raised limit');
    await put(policy('RateLimit', 'rl-limited', { 'kuma.io/service': 'limited' }, { http: { requests: 1, interval: '1m' } }));
    await eventually(async () => (await request(url('/limited'))).status === 429, 20_000, "Envoy's 429 without onRateLimit");
    await del('RateLimit', 'rl-limited');
    await eventually(async () => (await request(url('/limited'))).status === 200, 20_000, 'no limit once the policy is deleted');
    for (let i = 0; i < 5; i++) expect((await request(url('/limited'))).status).toBe(200);
  }, 60_000);

  it('aborts and delays the configured share of requests, and stops when the policy goes', async () => {
    const faulty = { 'kuma.io/service': 'faulty', 'kuma.io/protocol': 'http' };
    await put(policy('FaultInjection', 'fi', faulty, { abort: { httpStatus: 418, percentage: 100 } }));
    await eventually(async () => (await request(url('/faulty'))).status === 418, 20_000, 'aborted requests');
    for (let i = 0; i < 5; i++) expect((await request(url('/faulty'))).status).toBe(418);

    // Half of the requests: binomial(60, 0.5) falls outside 10..50 with a probability below 1e-7.
    await put(policy('FaultInjection', 'fi', faulty, { abort: { httpStatus: 503, percentage: 50 } }));
    await eventually(async () => (await request(url('/faulty'))).status !== 418, 20_000, 'the changed abort');
    await eventually(async () => (await request(url('/faulty'))).status === 503, 20_000, 'an aborted request under the changed policy');
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await request(url('/faulty'))).status);
    const aborted = statuses.filter((s) => s === 503).length;
    expect(statuses.every((s) => s === 503 || s === 200)).toBe(true);
    expect(aborted).toBeGreaterThanOrEqual(10);
    expect(aborted).toBeLessThanOrEqual(50);

    await put(policy('FaultInjection', 'fi', faulty, { delay: { value: '1s', percentage: 100 } }));
    let elapsed = 0;
    await eventually(async () => {
      const start = Date.now();
      const res = await request(url('/faulty'));
      elapsed = Date.now() - start;
      return res.status === 200 && elapsed >= 1000;
    }, 20_000, 'a delayed request');
    expect(elapsed).toBeGreaterThanOrEqual(1000);

    await del('FaultInjection', 'fi');
    await eventually(async () => {
      const start = Date.now();
      const res = await request(url('/faulty'));
      return res.status === 200 && Date.now() - start < 900;
    }, 20_000, 'neither abort nor delay once the policy is deleted');
  }, 60_000);

  it('ejects the endpoint failing its health check and sends traffic to the healthy one, until the policy goes', async () => {
    // Without a HealthCheck, round robin reaches both endpoints.
    await eventually(async () => (await namesSeen(url('/pool'), 6)).size === 2, 20_000, 'both pool endpoints serving');
    await put(
      policy('HealthCheck', 'hc-pool', { 'kuma.io/service': 'pool' }, {
        interval: '200ms',
        timeout: '1s',
        unhealthyThreshold: 1,
        healthyThreshold: 1,
        noTrafficInterval: '200ms',
        // One of two endpoints healthy is exactly Envoy's default panic threshold of 50%: off.
        healthyPanicThreshold: 0,
        http: { path: '/health' },
      }),
    );
    await eventually(async () => (await request(`http://127.0.0.1:${adminPort}/clusters`)).body.includes(`127.0.0.1:${sick.port}::health_flags::/failed_active_hc`), 20_000, 'the failing endpoint marked by its health check');
    const checks = healthy.seen.filter((r) => r.path === '/health').length;
    expect(checks).toBeGreaterThan(0);
    expect([...(await namesSeen(url('/pool'), 10))]).toEqual(['healthy']);

    await del('HealthCheck', 'hc-pool');
    await eventually(async () => (await namesSeen(url('/pool'), 6)).size === 2, 20_000, 'both endpoints serving once the policy is deleted');
  }, 60_000);

  it("applies a sidecar inbound's FaultInjection and RateLimit to the callers their sources name only", async () => {
    const app = await httpBackend('app');
    backends.push(app);
    const inboundPort = await freePort();
    const dp = await runDataplane(cp, dir, {
      type: 'Dataplane',
      mesh: 'default',
      name: 'app-1',
      networking: { address: '127.0.0.1', inbound: [{ port: inboundPort, servicePort: app.port, serviceAddress: '127.0.0.1', tags: { 'kuma.io/service': 'app', 'kuma.io/protocol': 'http' } }] },
    });
    sidecar = dp.process;
    const from = (service: string) => request(`http://127.0.0.1:${inboundPort}/`, { headers: { 'x-kuma-tags': `&kuma.io/protocol=http&&kuma.io/service=${service}&` } });
    await eventually(async () => (await from('web')).status === 200, 45_000, 'traffic through the sidecar inbound');
    // The application never sees the caller's tags header.
    expect(app.seen.at(-1)?.headers['x-kuma-tags']).toBeUndefined();

    const sources = [{ match: { 'kuma.io/service': 'web' } }];
    await put({ type: 'FaultInjection', mesh: 'default', name: 'fi-app', sources, destinations: [{ match: { 'kuma.io/service': 'app', 'kuma.io/protocol': 'http' } }], conf: { abort: { httpStatus: 418, percentage: 100 } } });
    await eventually(async () => (await from('web')).status === 418, 20_000, "web's requests aborted");
    expect((await from('other')).status).toBe(200);
    await del('FaultInjection', 'fi-app');
    await eventually(async () => (await from('web')).status === 200, 20_000, "web's requests served once the policy is deleted");

    await put({ type: 'RateLimit', mesh: 'default', name: 'rl-app', sources, destinations: [{ match: { 'kuma.io/service': 'app' } }], conf: { http: { requests: 1, interval: '1m', onRateLimit: { status: 423 } } } });
    await eventually(async () => (await from('web')).status === 423, 20_000, "web's requests limited");
    for (let i = 0; i < 3; i++) expect((await from('other')).status).toBe(200);
    await del('RateLimit', 'rl-app');
    await eventually(async () => (await from('web')).status === 200, 20_000, "web's requests served once the limit is deleted");
  }, 90_000);
});
