// End to end with the real Envoy: Retry and CircuitBreaker policies on a builtin gateway
// (docs/gateway.md §2.16), observed through traffic. A Retry turns a flaky backend's 503s into a 200;
// a CircuitBreaker's thresholds overflow concurrent slow requests to 503; its consecutive-5xx
// detector ejects a failing endpoint so that traffic moves to the healthy one. Changing or
// deleting a policy changes behaviour while the same Envoy keeps running. Each step waits for
// the new configuration in Envoy's /config_dump instead of sleeping.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlPlane } from '../../src/runtime/control-plane.js';
import { putResource, runDataplane, startTestControlPlane, tearDown } from '../support/mesh-proxies.js';
import { eventually, freePort, request, type HttpResult, type Running } from '../support/processes.js';

/** A backend whose answer is decided per request; it counts the requests it received. */
interface ScriptedBackend {
  readonly port: number;
  received: number;
  close(): Promise<void>;
}

async function scriptedBackend(answer: (res: http.ServerResponse) => void): Promise<ScriptedBackend> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      backend.received++;
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const backend: ScriptedBackend = {
    port: (server.address() as AddressInfo).port,
    received: 0,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return backend;
}

function reply(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(body);
}

type Json = Record<string, unknown>;

/** Every object in a JSON tree. */
function* objects(value: unknown): Generator<Json> {
  if (Array.isArray(value)) for (const v of value) yield* objects(v);
  else if (value !== null && typeof value === 'object') {
    yield value as Json;
    for (const v of Object.values(value)) yield* objects(v);
  }
}

describe('Retry and CircuitBreaker on a builtin gateway, with the real Envoy', () => {
  let cp: ControlPlane;
  let envoy: Running;
  let adminPort = 0;
  let dir = '';
  let gatewayPort = 0;
  /** How many of the next requests the flaky backend fails with 503. */
  let failuresLeft = 0;
  const backends: ScriptedBackend[] = [];
  let flaky: ScriptedBackend;

  const put = (doc: Json) => putResource(cp, doc);
  const remove = async (plural: string, name: string) => {
    const res = await fetch(`http://127.0.0.1:${cp.apiPort}/meshes/default/${plural}/${name}`, { method: 'DELETE' });
    expect(res.status, await res.text()).toBeLessThan(300);
  };
  const inbound = (name: string, service: string, port: number) => ({
    type: 'Dataplane',
    mesh: 'default',
    name,
    networking: { address: '127.0.0.1', inbound: [{ port, tags: { 'kuma.io/service': service, 'kuma.io/protocol': 'http' } }] },
  });
  const forward = (prefix: string, service: string) => ({ matches: [{ path: { match: 'PREFIX', value: prefix } }], backends: [{ destination: { 'kuma.io/service': service } }] });
  const toService = (service: string) => ({ sources: [{ match: { 'kuma.io/service': '*' } }], destinations: [{ match: { 'kuma.io/service': service } }] });
  const get = (p: string): Promise<HttpResult> => request(`http://127.0.0.1:${gatewayPort}${p}`);

  /** What Envoy holds now: the retry policy of the /flaky route, and the dynamic clusters by service. */
  async function routeRetry(): Promise<Json | undefined> {
    const dump: unknown = JSON.parse((await request(`http://127.0.0.1:${adminPort}/config_dump?resource=dynamic_route_configs`)).body);
    for (const o of objects(dump)) {
      const match = o['match'] as Json | undefined;
      const prefix = String(match?.['path'] ?? match?.['prefix'] ?? '');
      if (prefix.startsWith('/flaky') && o['route'] !== undefined) return (o['route'] as Json)['retry_policy'] as Json | undefined;
    }
    return undefined;
  }
  async function clusterOf(service: string): Promise<Json | undefined> {
    const dump: unknown = JSON.parse((await request(`http://127.0.0.1:${adminPort}/config_dump?resource=dynamic_active_clusters`)).body);
    for (const o of objects(dump)) {
      const cluster = o['cluster'] as Json | undefined;
      if (typeof cluster?.['name'] === 'string' && cluster['name'].startsWith(`${service}-`)) return cluster;
    }
    return undefined;
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'portico-retry-cb-'));
    cp = await startTestControlPlane();
    // No default policies: the baseline is a gateway without retries or circuit breakers.
    await put({ type: 'Mesh', name: 'default', skipCreatingInitialPolicies: ['*'] });
    flaky = await scriptedBackend((res) => {
      if (failuresLeft > 0) {
        failuresLeft--;
        reply(res, 503, 'flaky');
      } else reply(res, 200, 'recovered');
    });
    const slow = await scriptedBackend((res) => setTimeout(() => reply(res, 200, 'slow'), 1_500));
    const good = await scriptedBackend((res) => reply(res, 200, 'good'));
    const bad = await scriptedBackend((res) => reply(res, 500, 'bad'));
    backends.push(flaky, slow, good, bad);
    await put(inbound('flaky-1', 'flaky', flaky.port));
    await put(inbound('slow-1', 'slow', slow.port));
    await put(inbound('pool-good', 'pool', good.port));
    await put(inbound('pool-bad', 'pool', bad.port));
    gatewayPort = await freePort();
    await put({ type: 'MeshGateway', mesh: 'default', name: 'edge', selectors: [{ match: { 'kuma.io/service': 'edge' } }], conf: { listeners: [{ port: gatewayPort, protocol: 'HTTP' }] } });
    await put({
      type: 'MeshGatewayRoute',
      mesh: 'default',
      name: 'edge',
      selectors: [{ match: { 'kuma.io/service': 'edge' } }],
      conf: { http: { rules: [forward('/flaky', 'flaky'), forward('/slow', 'slow'), forward('/pool', 'pool')] } },
    });
    const dp = await runDataplane(cp, dir, { type: 'Dataplane', mesh: 'default', name: 'gw-1', networking: { address: '127.0.0.1', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge' } } } });
    envoy = dp.process;
    adminPort = dp.adminPort;
    await eventually(async () => (await get('/flaky')).status === 200, 45_000, 'traffic through the gateway');
  }, 90_000);

  afterAll(async () => {
    await tearDown(envoy ? [envoy] : [], backends, cp, dir);
  });

  it('retries a flaky backend into a 200, fewer times once changed, and not at all once deleted', async () => {
    // Without a Retry, the first 503 is the answer.
    failuresLeft = 2;
    expect((await get('/flaky')).status).toBe(503);
    failuresLeft = 0;

    await put({ type: 'Retry', mesh: 'default', name: 'retry-flaky', ...toService('flaky'), conf: { http: { numRetries: 3, backOff: { baseInterval: '10ms', maxInterval: '50ms' } } } });
    await eventually(async () => ((await routeRetry())?.['num_retries'] as number | undefined) === 3, 20_000, 'the retry policy in Envoy');
    failuresLeft = 2;
    flaky.received = 0;
    const retried = await get('/flaky');
    expect([retried.status, retried.body]).toEqual([200, 'recovered']);
    expect(flaky.received).toBe(3);

    // One retry is not enough for two failures.
    await put({ type: 'Retry', mesh: 'default', name: 'retry-flaky', ...toService('flaky'), conf: { http: { numRetries: 1, backOff: { baseInterval: '10ms' } } } });
    await eventually(async () => ((await routeRetry())?.['num_retries'] as number | undefined) === 1, 20_000, 'the changed retry policy in Envoy');
    failuresLeft = 2;
    flaky.received = 0;
    expect((await get('/flaky')).status).toBe(503);
    expect(flaky.received).toBe(2);
    failuresLeft = 0;

    await remove('retries', 'retry-flaky');
    await eventually(async () => (await routeRetry()) === undefined, 20_000, 'the retry policy gone from Envoy');
    failuresLeft = 1;
    flaky.received = 0;
    expect((await get('/flaky')).status).toBe(503);
    expect(flaky.received).toBe(1);
    failuresLeft = 0;
  });

  /** `n` concurrent requests to the slow backend. */
  async function concurrentSlow(n: number): Promise<HttpResult[]> {
    return Promise.all(Array.from({ length: n }, () => get('/slow')));
  }

  it('overflows concurrent slow requests to 503 past one connection and one pending request, until the limits are raised', async () => {
    const before = await concurrentSlow(4);
    expect(before.map((r) => r.status)).toEqual([200, 200, 200, 200]);

    await put({ type: 'CircuitBreaker', mesh: 'default', name: 'cb-slow', ...toService('slow'), conf: { thresholds: { maxConnections: 1, maxPendingRequests: 1 } } });
    const limits = async (value: number) => {
      const thresholds = ((await clusterOf('slow'))?.['circuit_breakers'] as Json | undefined)?.['thresholds'] as Json[] | undefined;
      return thresholds?.[0]?.['max_connections'] === value && thresholds[0]['max_pending_requests'] === value;
    };
    await eventually(() => limits(1), 20_000, 'the circuit breaker thresholds in Envoy');
    const limited = await concurrentSlow(6);
    const overflowed = limited.filter((r) => r.status === 503);
    // One request waits; the rest overflow. Envoy lets each worker's pool open one connection
    // even past max_connections (so that no worker starves), so up to one request per worker
    // (two on this machine's default concurrency) is served at a time: at least two of six overflow.
    expect(limited.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(1);
    expect(overflowed.length).toBeGreaterThanOrEqual(2);
    for (const r of overflowed) expect(r.headers['x-envoy-overloaded']).toBe('true');

    await put({ type: 'CircuitBreaker', mesh: 'default', name: 'cb-slow', ...toService('slow'), conf: { thresholds: { maxConnections: 100, maxPendingRequests: 100 } } });
    await eventually(() => limits(100), 20_000, 'the raised thresholds in Envoy');
    expect((await concurrentSlow(4)).map((r) => r.status)).toEqual([200, 200, 200, 200]);
  });

  it('ejects the endpoint answering 5xx so that traffic moves to the healthy one, and stops once deleted', async () => {
    // Without outlier detection, round robin keeps reaching the failing endpoint.
    // Each Envoy worker balances on its own, from its own starting point: ask until both answered.
    const before: number[] = [];
    for (let i = 0; i < 40 && !(before.includes(500) && before.includes(200)); i++) before.push((await get('/pool')).status);
    expect(before).toContain(500);
    expect(before).toContain(200);

    await put({
      type: 'CircuitBreaker',
      mesh: 'default',
      name: 'cb-pool',
      ...toService('pool'),
      conf: { interval: '1s', baseEjectionTime: '60s', maxEjectionPercent: 50, detectors: { totalErrors: { consecutive: 2 } } },
    });
    const detecting = async () => {
      const od = (await clusterOf('pool'))?.['outlier_detection'] as Json | undefined;
      return od?.['consecutive_5xx'] === 2 && od['enforcing_consecutive_5xx'] === 100;
    };
    await eventually(detecting, 20_000, 'outlier detection in Envoy');
    // Two consecutive 5xx from the bad endpoint eject it. Envoy decides ejections on its main
    // thread, so a request or two may still reach it while the workers learn of the ejection;
    // after that, ten requests in a row reach the healthy endpoint.
    const after: HttpResult[] = [];
    let healthyRun = 0;
    for (let i = 0; i < 30 && healthyRun < 10; i++) {
      const r = await get('/pool');
      after.push(r);
      healthyRun = r.status === 200 && r.body === 'good' ? healthyRun + 1 : 0;
    }
    expect(healthyRun).toBe(10);
    expect(after.filter((r) => r.status === 500).length).toBeLessThanOrEqual(4);

    await remove('circuit-breakers', 'cb-pool');
    await eventually(async () => (await clusterOf('pool'))?.['outlier_detection'] === undefined, 20_000, 'outlier detection gone from Envoy');
    // The cluster was rebuilt without detection: the bad endpoint is reached again.
    await eventually(async () => (await get('/pool')).status === 500, 10_000, 'the failing endpoint to be reached again');
  });
});
