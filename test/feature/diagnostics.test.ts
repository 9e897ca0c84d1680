// The diagnostics port of an in-process control plane (docs/operations.md): Prometheus metrics that
// follow real gRPC streams on loopback (a simulated Envoy that ACKs, then NACKs a RouteConfiguration),
// the Node.js process metrics, and the probe endpoints.
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, startControlPlane, type ControlPlane } from '../../src/runtime/control-plane.js';
import { TypeUrl } from '../../src/xds/cache/resource-types.js';
import { AdsClient } from '../support/ads-client.js';
import { issueDataplaneToken, tokenMetadata } from '../support/dataplane-tokens.js';

const logger = pino({ level: 'silent' });
const running: ControlPlane[] = [];
const clients: AdsClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const cp of running.splice(0)) await cp.stop();
});

async function put(cp: ControlPlane, path: string, doc: Record<string, unknown>): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${cp.apiPort}${path}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(doc) });
  expect(res.status, await res.text()).toBeLessThan(300);
}

function route(prefix: string): Record<string, unknown> {
  return {
    type: 'MeshGatewayRoute',
    mesh: 'default',
    name: 'api',
    selectors: [{ match: { 'kuma.io/service': 'edge' } }],
    conf: { http: { rules: [{ matches: [{ path: { match: 'PREFIX', value: prefix } }], backends: [{ destination: { 'kuma.io/service': 'backend' } }] }] } },
  };
}

async function metrics(cp: ControlPlane): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${cp.diagnosticsPort}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
}

/** The value of one sample, by its exact name and labels as Prometheus text writes them. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('the diagnostics port', () => {
  it('counts streams, responses, ACKs and NACKs by type, generations and ACK latency, and serves the probes', async () => {
    const cp = await startControlPlane({ ...DEFAULT_CONFIG, store: 'memory', dataDir: '', apiPort: 0, xdsPort: 0, diagnosticsPort: 0, debounceMs: 10, nackBackoffMs: 200, logger });
    running.push(cp);
    expect(cp.diagnosticsPort).toBeGreaterThan(0);
    await put(cp, '/meshes/default', { type: 'Mesh', name: 'default' });
    await put(cp, '/meshes/default/dataplanes/gw-1', { type: 'Dataplane', mesh: 'default', name: 'gw-1', networking: { address: '127.0.0.1', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge' } } } });
    await put(cp, '/meshes/default/meshgateways/edge', { type: 'MeshGateway', mesh: 'default', name: 'edge', selectors: [{ match: { 'kuma.io/service': 'edge' } }], conf: { listeners: [{ port: 8080, protocol: 'HTTP' }] } });
    await put(cp, '/meshes/default/meshgatewayroutes/api', route('/api'));
    await cp.flush();

    const token = await issueDataplaneToken(`http://127.0.0.1:${cp.apiPort}`, { mesh: 'default', name: 'gw-1' });
    const envoy = AdsClient.connect(`127.0.0.1:${cp.xdsPort}`, 'default.gw-1', 'sotw', { followReferences: true, ca: readFileSync(cp.caFile!, 'utf8'), metadata: tokenMetadata(token) });
    clients.push(envoy);
    envoy.subscribe(TypeUrl.Cluster);
    envoy.subscribe(TypeUrl.Listener);
    await envoy.waitFor(TypeUrl.RouteConfiguration, (r) => r.answer === 'ack');
    envoy.nackNext(TypeUrl.RouteConfiguration, 'injected');
    await put(cp, '/meshes/default/meshgatewayroutes/api', route('/v2'));
    await cp.flush();
    await envoy.waitFor(TypeUrl.RouteConfiguration, (r) => r.answer === 'nack');

    const rds = `type_url="${TypeUrl.RouteConfiguration}"`;
    await expect.poll(async () => sample(await metrics(cp), `xds_requests_received{${rds},confirmation="NACK"}`), { timeout: 5_000 }).toBe(1);
    const text = await metrics(cp);
    expect(sample(text, 'xds_streams_active')).toBe(1);
    expect(sample(text, `xds_requests_received{${rds},confirmation="ACK"}`)).toBeGreaterThanOrEqual(1);
    expect(sample(text, `xds_responses_sent{${rds}}`)).toBeGreaterThanOrEqual(2);
    expect(sample(text, `xds_responses_sent{type_url="${TypeUrl.Listener}"}`)).toBeGreaterThanOrEqual(1);
    expect(sample(text, `portico_xds_ack_latency_seconds_count{${rds}}`)).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'xds_generation_count')).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'xds_generation_errors')).toBe(0);
    expect(sample(text, 'portico_regeneration_pending')).toBe(0);
    // Every PUT above went through the store, timed.
    const routePuts = text.match(/^portico_store_operation_seconds_count\{(?=[^}]*operation="put")(?=[^}]*resource_type="MeshGatewayRoute")(?=[^}]*result="ok")[^}]*\} (\d+)$/m);
    expect(Number(routePuts?.[1])).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d/m);

    const base = `http://127.0.0.1:${cp.diagnosticsPort}`;
    const ready = await fetch(`${base}/ready`);
    expect([ready.status, await ready.json()]).toEqual([200, { ready: true, reasons: [] }]);
    expect((await fetch(`${base}/healthy`)).status).toBe(200);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${base}/config`)).status).toBe(404);

    // Change-to-ACK: the NACKed version is never counted; the next change, ACKed, is, once per type it changed.
    // (A labelled series appears with its first observation.)
    expect(sample(text, `portico_xds_change_to_ack_seconds_count{${rds}}`) ?? 0).toBe(0);
    await put(cp, '/meshes/default/meshgatewayroutes/api', route('/v3'));
    await cp.flush();
    await expect.poll(async () => sample(await metrics(cp), `portico_xds_change_to_ack_seconds_count{${rds}}`), { timeout: 5_000 }).toBe(1);
    const after = await metrics(cp);
    expect(sample(after, `portico_xds_change_to_ack_seconds_sum{${rds}}`)).toBeGreaterThan(0);
    expect(sample(after, `portico_xds_change_to_ack_seconds_count{type_url="${TypeUrl.Listener}"}`) ?? 0).toBe(0);

    envoy.close();
    await expect.poll(async () => sample(await metrics(cp), 'xds_streams_active'), { timeout: 5_000 }).toBe(0);
  });

  it('changes the log level of every component at runtime, for admins only, and logs the change', async () => {
    const lines: string[] = [];
    const root = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const cp = await startControlPlane({ ...DEFAULT_CONFIG, store: 'memory', dataDir: '', apiPort: 0, xdsPort: 0, logger: root });
    running.push(cp);
    const url = `http://127.0.0.1:${cp.apiPort}/log-level`;
    const set = (body: string) => fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body });
    expect(await (await fetch(url)).json()).toEqual({ level: 'info' });
    const bad = await set('{"level":"verbose"}');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('"field":"level"');
    expect((await set('{"level":"debug"}')).status).toBe(200);
    expect(await (await fetch(url)).json()).toEqual({ level: 'debug' });
    expect(lines.some((l) => l.includes('"msg":"log level changed"') && l.includes('"from":"info"') && l.includes('"to":"debug"'))).toBe(true);
    // The API's logger (created at start, before the change) now writes its debug lines: a refused request.
    const before = lines.length;
    expect((await fetch(`http://127.0.0.1:${cp.apiPort}/meshes`, { headers: { authorization: 'Bearer not-a-token' } })).status).toBe(401);
    expect(lines.slice(before).some((l) => l.includes('"level":20') && l.includes('"component":"api"') && l.includes('request refused'))).toBe(true);

    const remote = await startControlPlane({ ...DEFAULT_CONFIG, store: 'memory', dataDir: '', apiPort: 0, xdsPort: 0, apiAuth: { localhostIsAdmin: false, bootstrapAdminToken: false }, logger });
    running.push(remote);
    const refused = await fetch(`http://127.0.0.1:${remote.apiPort}/log-level`, { method: 'PUT', body: '{"level":"debug"}' });
    expect(refused.status).toBe(401);
  });
});
