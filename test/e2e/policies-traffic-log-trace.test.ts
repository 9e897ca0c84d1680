// End to end with the real Envoy: TrafficLog and TrafficTrace on a builtin gateway
// (docs/gateway.md §2.12, §2.14, §2.16; docs/policies.md). The Mesh declares a file and a TCP logging backend and
// a Zipkin tracing backend; the collectors run in the test (a TCP server collecting lines, which
// the dataplane agent's access log sink feeds, and a Zipkin v2 span receiver). Each request through the gateway writes one line in Kuma's
// default format to the file, then, once the policy names the TCP backend, to the collector; a TCP
// connection writes a line in Kuma's TCP format; a TrafficTrace makes the gateway report spans.
// Changing and deleting the policies changes what happens, with nothing restarted.
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlPlane } from '../../src/runtime/control-plane.js';
import { httpBackend, tcpBackend, type Backend } from '../support/backends.js';
import { lineCollector, zipkinCollector, type Collector, type ZipkinSpan } from '../support/collectors.js';
import { putResource, runDataplane, startTestControlPlane, tearDown } from '../support/mesh-proxies.js';
import { eventually, freePort, request, type Running } from '../support/processes.js';

/** Kuma's default HTTP access log line for a GET of `path` through gateway `edge` in mesh `default`. */
function httpLinePattern(pathOfRequest: string, upstreamPort: number): RegExp {
  const q = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(
    '^\\[\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\] default ' +
      `"GET ${q(pathOfRequest)} HTTP/1\\.1" 200 - 0 \\d+ \\d+ \\d+ ` +
      '"[^"]*" "[^"]*" "[^"]*" "[0-9a-f-]{36}" "127\\.0\\.0\\.1:\\d+" ' +
      `"edge" "\\*" "127\\.0\\.0\\.1" "127\\.0\\.0\\.1:${upstreamPort}"$`,
  );
}

/** Kuma's default TCP access log line of one connection through the gateway's TCP port. */
function tcpLinePattern(upstreamPort: number): RegExp {
  return new RegExp(
    '^\\[\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\] - default ' +
      `127\\.0\\.0\\.1\\(edge\\)->127\\.0\\.0\\.1:${upstreamPort}\\(\\*\\) took \\d+ms, sent \\d+ bytes, received: \\d+ bytes$`,
  );
}

/** One TCP exchange through the gateway: send a line, read the backend's answer. */
function tcpExchange(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write('hello\n'));
    let data = '';
    socket.setTimeout(5_000, () => socket.destroy(new Error('tcp exchange timed out')));
    socket.on('data', (c: Buffer) => (data += c.toString()));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('TrafficLog and TrafficTrace on a builtin gateway, with the real Envoy', () => {
  let cp: ControlPlane;
  let envoy: Running | undefined;
  let adminPort = 0;
  let dir = '';
  let web: Backend;
  let db: Backend;
  let logstash: Collector<string>;
  let zipkin: Collector<ZipkinSpan>;
  let httpPort = 0;
  let tcpPort = 0;
  let logFile = '';
  let sequence = 0;
  /** A request made while the policy named the TCP backend: it must never reach the file. */
  let tcpOnlyPath = '';
  let tcpOnlyAt = 0;

  const put = (doc: Record<string, unknown>) => putResource(cp, doc);
  const remove = (kind: 'TrafficLog' | 'TrafficTrace', name: string) => cp.store.delete({ kind, mesh: 'default', name });
  const fileLines = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').filter((l) => l !== '') : []);
  const trafficLog = (backend: string) => ({
    type: 'TrafficLog',
    mesh: 'default',
    name: 'log-all',
    sources: [{ match: { 'kuma.io/service': '*' } }],
    destinations: [{ match: { 'kuma.io/service': '*' } }],
    conf: { backend },
  });
  /** A GET of a path never used before, answered 200 by the web backend. */
  const get = async (): Promise<string> => {
    const p = `/req-${++sequence}`;
    const res = await request(`http://127.0.0.1:${httpPort}${p}`);
    expect(res.status).toBe(200);
    return p;
  };
  /** Whether the gateway's listeners, as Envoy holds them, trace through Zipkin. */
  const tracingApplied = async () => (await request(`http://127.0.0.1:${adminPort}/config_dump?resource=dynamic_listeners`)).body.includes('envoy.tracers.zipkin');
  const logged = (lines: readonly string[], p: string) => lines.filter((l) => l.includes(`"GET ${p} `));

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'portico-log-trace-'));
    logFile = path.join(dir, 'access.log');
    [web, db, logstash, zipkin] = await Promise.all([httpBackend('web'), tcpBackend('db'), lineCollector(), zipkinCollector()]);
    cp = await startTestControlPlane();
    await put({
      type: 'Mesh',
      name: 'default',
      logging: {
        defaultBackend: 'file',
        backends: [
          { name: 'file', type: 'file', conf: { path: logFile } },
          { name: 'logstash', type: 'tcp', conf: { address: `127.0.0.1:${logstash.port}` } },
        ],
      },
      tracing: { backends: [{ name: 'zipkin', type: 'zipkin', sampling: 100, conf: { url: `http://127.0.0.1:${zipkin.port}/api/v2/spans` } }] },
    });
    await put({ type: 'Dataplane', mesh: 'default', name: 'web-1', networking: { address: '127.0.0.1', inbound: [{ port: web.port, tags: { 'kuma.io/service': 'web', 'kuma.io/protocol': 'http' } }] } });
    await put({ type: 'Dataplane', mesh: 'default', name: 'db-1', networking: { address: '127.0.0.1', inbound: [{ port: db.port, tags: { 'kuma.io/service': 'db', 'kuma.io/protocol': 'tcp' } }] } });
    httpPort = await freePort();
    tcpPort = await freePort();
    await put({
      type: 'MeshGateway',
      mesh: 'default',
      name: 'edge',
      selectors: [{ match: { 'kuma.io/service': 'edge' } }],
      conf: { listeners: [{ port: httpPort, protocol: 'HTTP' }, { port: tcpPort, protocol: 'TCP' }] },
    });
    const edge = [{ match: { 'kuma.io/service': 'edge' } }];
    await put({ type: 'MeshGatewayRoute', mesh: 'default', name: 'web', selectors: edge, conf: { http: { rules: [{ matches: [{ path: { match: 'PREFIX', value: '/' } }], backends: [{ destination: { 'kuma.io/service': 'web' } }] }] } } });
    await put({ type: 'MeshGatewayRoute', mesh: 'default', name: 'db', selectors: edge, conf: { tcp: { rules: [{ backends: [{ destination: { 'kuma.io/service': 'db' } }] }] } } });
    const dp = await runDataplane(cp, dir, { type: 'Dataplane', mesh: 'default', name: 'gw-1', networking: { address: '127.0.0.1', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge' } } } });
    envoy = dp.process;
    adminPort = dp.adminPort;
    await eventually(async () => (await request(`http://127.0.0.1:${httpPort}/`)).status === 200, 45_000, 'traffic through the gateway');
  }, 90_000);

  afterAll(async () => {
    await tearDown(envoy ? [envoy] : [], [web, db, logstash, zipkin], cp, dir);
  });

  it('logs nothing and traces nothing without policies', async () => {
    await get();
    await sleep(500);
    expect(fileLines()).toEqual([]);
    expect(logstash.received).toEqual([]);
    expect(await tracingApplied()).toBe(false);
  });

  it("writes one line per request to the file backend in Kuma's default HTTP format, and one per TCP connection in its TCP format", async () => {
    await put(trafficLog('file'));
    let p = '';
    await eventually(async () => {
      p = await get();
      await sleep(200);
      return logged(fileLines(), p).length > 0;
    }, 20_000, 'a logged request');
    // Exactly one line for the request, in Kuma's format with the gateway as source and `*` as destination.
    const lines = logged(fileLines(), p);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(httpLinePattern(p, web.port));
    const before = fileLines().length;
    expect(await tcpExchange(tcpPort)).toBe('db\n');
    // Envoy flushes access log files every 10 s.
    await eventually(async () => fileLines().length > before, 15_000, 'a logged TCP connection');
    expect(fileLines().slice(before)).toEqual([expect.stringMatching(tcpLinePattern(db.port))]);
    expect(logstash.received).toEqual([]);
  });

  it('sends the lines to the TCP collector once the policy names the TCP backend, and no longer to the file', async () => {
    await put(trafficLog('logstash'));
    let p = '';
    await eventually(async () => {
      p = await get();
      await sleep(300);
      return logged(logstash.received, p).length > 0;
    }, 20_000, 'a request logged to the collector');
    const lines = logged(logstash.received, p);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(httpLinePattern(p, web.port));
    // The next request reaches the collector only.
    const next = await get();
    await eventually(async () => logged(logstash.received, next).length === 1, 10_000, 'the next request at the collector');
    // Checked again at the end, once Envoy's 10 s file flush interval has surely passed.
    tcpOnlyPath = next;
    tcpOnlyAt = Date.now();
    expect(logged(fileLines(), next)).toEqual([]);
  });

  it('stops logging when the TrafficLog is deleted', async () => {
    await remove('TrafficLog', 'log-all');
    let p = '';
    await eventually(async () => {
      p = await get();
      await sleep(1_000);
      return logged(logstash.received, p).length === 0 && logged(fileLines(), p).length === 0;
    }, 20_000, 'an unlogged request');
    const count = logstash.received.length + fileLines().length;
    await get();
    await sleep(1_000);
    expect(logstash.received.length + fileLines().length).toBe(count);
  });

  it('reports a span of each request to the Zipkin collector while a TrafficTrace selects the gateway', async () => {
    expect(zipkin.received).toEqual([]);
    await put({ type: 'TrafficTrace', mesh: 'default', name: 'trace-edge', selectors: [{ match: { 'kuma.io/service': 'edge' } }], conf: { backend: 'zipkin' } });
    await eventually(tracingApplied, 20_000, 'listeners with tracing');
    // Envoy sends spans in batches of 5 or every 5 s, whichever comes first.
    let traced = '';
    await eventually(async () => {
      for (let i = 0; i < 5; i++) traced = await get();
      await sleep(500);
      return zipkin.received.some((s) => s.tags?.['http.url']?.endsWith(traced));
    }, 30_000, 'a span at the collector');
    const span = zipkin.received.find((s) => s.tags?.['http.url']?.endsWith(traced))!;
    expect(span.traceId).toMatch(/^[0-9a-f]{16}$/);
    expect(span.id).toMatch(/^[0-9a-f]{16}$/);
    expect(span.kind).toBe('SERVER');
    expect(span.localEndpoint?.serviceName).toBe('edge');
    expect(span.tags).toMatchObject({ 'http.method': 'GET', 'http.status_code': '200', 'http.protocol': 'HTTP/1.1', 'upstream_cluster': expect.stringMatching(/^web/) });
    expect(span.tags?.['http.url']).toBe(`http://127.0.0.1:${httpPort}${traced}`);
    expect(span.duration).toBeGreaterThan(0);
  });

  it('stops tracing when the TrafficTrace is deleted', async () => {
    await remove('TrafficTrace', 'trace-edge');
    await eventually(async () => !(await tracingApplied()), 20_000, 'listeners without tracing');
    // Five requests (a full batch) and the 5 s flush interval bring no span of theirs.
    const paths: string[] = [];
    for (let i = 0; i < 5; i++) paths.push(await get());
    await sleep(5_500);
    expect(zipkin.received.filter((s) => paths.some((p) => s.tags?.['http.url']?.endsWith(p)))).toEqual([]);
    // More than 10 s after it, the request sent while the TCP backend was chosen is still absent
    // from the file, which did get every request logged while it was chosen.
    expect(tcpOnlyPath).not.toBe('');
    await sleep(Math.max(0, tcpOnlyAt + 11_000 - Date.now()));
    expect(logged(fileLines(), tcpOnlyPath)).toEqual([]);
  }, 30_000);
});
