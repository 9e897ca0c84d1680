// End to end, every listener protocol and HTTP filter with a real Envoy and real traffic: HTTPS
// with two hostnames chosen by SNI (certificates from a Secret and inline), TLS passthrough to a
// TLS backend, TCP to two weighted backends, TCP to a server that speaks first, redirect, prefix rewrite, header set/remove, mirror,
// and a route whose backend has no Dataplane. The control plane and `dp run` are the built CLI.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { greetingBackend, httpBackend, readGreeting, readTcp, readTls, tcpBackend, tlsBackend, type Backend } from '../support/backends.js';
import { dataplaneTokenFile } from '../support/dataplane-tokens.js';
import { eventually, freePort, httpsRequest, portico, PORTICO_BIN, request, start, type Running } from '../support/processes.js';

const FIXTURES = path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures');
const pem = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');
const bundle = (host: string) => pem(`${host}.cert.pem`) + pem(`${host}.key.pem`);

interface Ports {
  http: number;
  https: number;
  tls: number;
  tcp: number;
  greeting: number;
}

function dataplane(name: string, port: number, tags: Record<string, string>): Record<string, unknown> {
  return { type: 'Dataplane', mesh: 'default', name, networking: { address: '127.0.0.1', inbound: [{ port, tags }] } };
}

function route(name: string, port: string, conf: Record<string, unknown>): Record<string, unknown> {
  return { type: 'MeshGatewayRoute', mesh: 'default', name, selectors: [{ match: { 'kuma.io/service': 'edge-gateway', port } }], conf };
}

const to = (service: string, extra: Record<string, string> = {}) => ({ destination: { 'kuma.io/service': service, ...extra } });
const prefix = (value: string) => [{ path: { match: 'PREFIX', value } }];

function manifests(p: Ports, b: Record<string, Backend>): Record<string, unknown>[] {
  return [
    { type: 'Mesh', name: 'default' },
    { type: 'Secret', mesh: 'default', name: 'a-example-com', data: Buffer.from(bundle('a.example.com')).toString('base64') },
    dataplane('web', b.web!.port, { 'kuma.io/service': 'web' }),
    dataplane('api', b.api!.port, { 'kuma.io/service': 'api' }),
    dataplane('mirror', b.mirror!.port, { 'kuma.io/service': 'mirror' }),
    dataplane('tls-backend', b.tls!.port, { 'kuma.io/service': 'tls-backend' }),
    dataplane('tcp-one', b.tcpOne!.port, { 'kuma.io/service': 'tcp-echo', version: 'one' }),
    dataplane('tcp-two', b.tcpTwo!.port, { 'kuma.io/service': 'tcp-echo', version: 'two' }),
    dataplane('greeter', b.greeter!.port, { 'kuma.io/service': 'greeter' }),
    {
      type: 'MeshGateway',
      mesh: 'default',
      name: 'edge',
      selectors: [{ match: { 'kuma.io/service': 'edge-gateway' } }],
      conf: {
        listeners: [
          { port: p.http, protocol: 'HTTP', tags: { port: 'http' } },
          { port: p.https, protocol: 'HTTPS', hostname: 'a.example.com', tags: { port: 'https' }, tls: { mode: 'TERMINATE', certificates: [{ secret: 'a-example-com' }] } },
          { port: p.https, protocol: 'HTTPS', hostname: 'b.example.com', tags: { port: 'https' }, tls: { mode: 'TERMINATE', certificates: [{ inlineString: bundle('b.example.com') }] } },
          { port: p.tls, protocol: 'TLS', hostname: 'tls.example.com', tags: { port: 'tls' }, tls: { mode: 'PASSTHROUGH' } },
          { port: p.tcp, protocol: 'TCP', tags: { port: 'tcp' }, resources: { connectionLimit: 250 } },
          { port: p.greeting, protocol: 'TCP', tags: { port: 'greeting' } },
        ],
      },
    },
    route('http-features', 'http', {
      http: {
        rules: [
          { matches: [{ path: { match: 'EXACT', value: '/old' } }], filters: [{ redirect: { scheme: 'https', hostname: 'new.example.com', status_code: 301 } }] },
          { matches: prefix('/rewrite'), filters: [{ rewrite: { replacePrefixMatch: '/rewritten' } }], backends: [to('web')] },
          {
            matches: prefix('/headers'),
            filters: [
              { request_header: { set: [{ name: 'x-set', value: 'yes' }], remove: ['x-remove'] } },
              { response_header: { set: [{ name: 'x-resp', value: 'done' }] } },
            ],
            backends: [to('web')],
          },
          { matches: prefix('/mirrored'), filters: [{ mirror: { backend: to('mirror'), percentage: 100 } }], backends: [to('web')] },
          { matches: prefix('/missing'), backends: [to('nowhere')] },
          { matches: prefix('/'), backends: [to('web')] },
        ],
      },
    }),
    route('https-a', 'https', { http: { hostnames: ['a.example.com'], rules: [{ matches: prefix('/'), backends: [to('web')] }] } }),
    route('https-b', 'https', { http: { hostnames: ['b.example.com'], rules: [{ matches: prefix('/'), backends: [to('api')] }] } }),
    route('tls-passthrough', 'tls', { tcp: { rules: [{ backends: [to('tls-backend')] }] } }),
    route('greeting', 'greeting', { tcp: { rules: [{ backends: [to('greeter')] }] } }),
    route('tcp-split', 'tcp', { tcp: { rules: [{ backends: [{ weight: 1, ...to('tcp-echo', { version: 'one' }) }, { weight: 1, ...to('tcp-echo', { version: 'two' }) }] }] } }),
  ];
}

const json = (body: string) => JSON.parse(body) as { name: string; path: string; headers: Record<string, string> };

describe('gateway features end to end (real Envoy, real traffic)', () => {
  const processes: Running[] = [];
  const backends: Record<string, Backend> = {};
  const ports = {} as Ports;
  let apiUrl = '';
  let adminPort = 0;
  let tokenDir = '';
  let dataDir = '';

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'portico-features-'));
    const cp = start(process.execPath, [PORTICO_BIN, 'cp', 'run', '--store', 'memory', '--data-dir', dataDir, '--api-port', '0', '--api-https-port', '0', '--xds-port', '0', '--xds-admission-rate', '400', '--xds-admission-burst', '800']);
    processes.push(cp);
    const ready = await cp.waitFor(/"apiPort":(\d+),"xdsPort":(\d+)/);
    apiUrl = `http://127.0.0.1:${ready[1]}`;
    Object.assign(backends, {
      web: await httpBackend('web'),
      api: await httpBackend('api'),
      mirror: await httpBackend('mirror'),
      tls: await tlsBackend('tls-backend', pem('tls-backend.example.com.cert.pem'), pem('tls-backend.example.com.key.pem')),
      tcpOne: await tcpBackend('tcp-one'),
      tcpTwo: await tcpBackend('tcp-two'),
      greeter: await greetingBackend('greeter', '220 greeter ready'),
    });
    Object.assign(ports, { http: await freePort(), https: await freePort(), tls: await freePort(), tcp: await freePort(), greeting: await freePort() });
    const applied = await portico(['apply', '-f', '-', '--api', apiUrl], manifests(ports, backends).map((d) => stringify(d)).join('---\n'));
    expect(applied.code, applied.output).toBe(0);
    const dpFile = path.join(FIXTURES, '..', '..', '..', 'examples', 'universal', 'gateway-dataplane.yaml');
    adminPort = await freePort();
    tokenDir = mkdtempSync(path.join(os.tmpdir(), 'portico-tokens-'));
    const tokenFile = await dataplaneTokenFile(apiUrl, 'default', 'edge-gateway-1', tokenDir);
    processes.push(
      start(process.execPath, [
        PORTICO_BIN, 'dp', 'run', '--cp', `https://127.0.0.1:${ready[2]}`, '--ca-cert-file', path.join(dataDir, 'tls', 'ca.crt'),
        '--dataplane-file', dpFile, '--dataplane-token-file', tokenFile, '--admin-port', String(adminPort), '--log-level', 'warn', '--drain-time', '1',
      ]),
    );
    await eventually(async () => (await request(`http://127.0.0.1:${ports.http}/`)).status === 200, 45_000, 'the HTTP listener');
    await eventually(async () => (await httpsRequest(ports.https, 'a.example.com', '/')).status === 200, 20_000, 'the HTTPS listener');
  }, 120_000);

  afterAll(async () => {
    for (const p of processes.reverse()) await p.stop();
    for (const b of Object.values(backends)) await b.close();
    if (tokenDir) rmSync(tokenDir, { recursive: true, force: true });
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('terminates HTTPS with the certificate chosen by SNI and routes per hostname', async () => {
    const a = await httpsRequest(ports.https, 'a.example.com', '/x');
    expect(a.cn).toBe('a.example.com');
    expect(json(a.body).name).toBe('web');
    expect(a.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    const b = await httpsRequest(ports.https, 'b.example.com', '/y');
    expect(b.cn).toBe('b.example.com');
    expect(json(b.body).name).toBe('api');
  });

  it('passes TLS through by SNI to a TLS backend without terminating it', async () => {
    const r = await readTls(ports.tls, 'tls.example.com');
    expect(r.cn).toBe('tls-backend.example.com');
    expect(r.data).toBe('tls-backend\n');
  });

  it('proxies TCP to two weighted backends', async () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 200; i++) {
      const name = (await readTcp(ports.tcp)).trim();
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['tcp-one', 'tcp-two']);
    expect(counts.get('tcp-one')!).toBeGreaterThan(60);
    expect(counts.get('tcp-two')!).toBeGreaterThan(60);
  });

  it('proxies TCP to a server that speaks first: the greeting arrives before the client sends a byte', async () => {
    expect(await readGreeting(ports.greeting)).toBe('220 greeter ready');
  });

  it('delivers the listener connection limit over RTDS into the gateway.listeners runtime layer', async () => {
    const key = `envoy.resource_limits.listener.edge:TCP:${ports.tcp}.connection_limit`;
    const runtime = JSON.parse((await request(`http://127.0.0.1:${adminPort}/runtime`)).body) as {
      layers: string[];
      entries: Record<string, { final_value: string; layer_values: string[] }>;
    };
    expect(runtime.layers).toEqual(['kuma', 'gateway.listeners']);
    expect(runtime.entries[key]?.final_value).toBe('250');
    expect(runtime.entries['re2.max_program_size.error_level']?.final_value).toBe('4294967295');
  });

  it('redirects', async () => {
    const r = await request(`http://127.0.0.1:${ports.http}/old`, { host: 'shop.example.com' });
    expect(r.status).toBe(301);
    expect(r.headers.location).toBe('https://new.example.com/old');
  });

  it('rewrites a path prefix on whole segments', async () => {
    expect(json((await request(`http://127.0.0.1:${ports.http}/rewrite/x/y?q=1`)).body).path).toBe('/rewritten/x/y?q=1');
    expect(json((await request(`http://127.0.0.1:${ports.http}/rewrite`)).body).path).toBe('/rewritten');
  });

  it('sets and removes request headers and sets response headers', async () => {
    const r = await request(`http://127.0.0.1:${ports.http}/headers`, { headers: { 'x-remove': 'secret', 'x-keep': 'kept' } });
    const seen = json(r.body).headers;
    expect(seen['x-set']).toBe('yes');
    expect(seen['x-remove']).toBeUndefined();
    expect(seen['x-keep']).toBe('kept');
    expect(r.headers['x-resp']).toBe('done');
  });

  it('mirrors requests to the mirror backend and answers from the main one', async () => {
    const before = backends.mirror!.seen.length;
    const r = await request(`http://127.0.0.1:${ports.http}/mirrored/item`);
    expect(json(r.body).name).toBe('web');
    await eventually(async () => backends.mirror!.seen.length > before, 5_000, 'the mirrored copy');
    expect(backends.mirror!.seen.at(-1)!.path).toBe('/mirrored/item');
  });

  it('answers a clean 5xx for a backend without Dataplanes and keeps serving everything else', async () => {
    const r = await request(`http://127.0.0.1:${ports.http}/missing/thing`);
    expect(r.status).toBeGreaterThanOrEqual(500);
    expect(r.status).toBeLessThan(600);
    expect(json((await request(`http://127.0.0.1:${ports.http}/fine`)).body).name).toBe('web');
  });

  it('keeps the last good configuration when a referenced certificate secret becomes invalid', async () => {
    const put = await fetch(`${apiUrl}/meshes/default/secrets/a-example-com`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'Secret', mesh: 'default', name: 'a-example-com', data: Buffer.from('not a certificate').toString('base64') }),
    });
    expect(put.status).toBe(200);
    // A later, valid change elsewhere must not be published while the gateway cannot be generated.
    await new Promise((r) => setTimeout(r, 500));
    const a = await httpsRequest(ports.https, 'a.example.com', '/still');
    expect(a.cn).toBe('a.example.com');
    expect(json(a.body).name).toBe('web');
    expect(json((await request(`http://127.0.0.1:${ports.http}/fine`)).body).name).toBe('web');
    // ...and the problem is reported against the MeshGateway.
    const status = (await (await fetch(`${apiUrl}/meshes/default/meshgateways/edge/status`)).json()) as { conditions: { type: string; status: string; reason: string; message: string }[] };
    const accepted = status.conditions.find((c) => c.type === 'Accepted');
    expect(accepted).toMatchObject({ status: 'False', reason: 'Invalid' });
    expect(accepted?.message).toContain('conf.listeners[1].tls.certificates[0]: missing server certificate');
  });
});
