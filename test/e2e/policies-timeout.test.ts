// End to end with the real Envoy: the Timeout policy (docs/gateway.md §2.16, docs/mesh-mtls.md §4.9) observed
// through traffic, not config. A gateway route to a slow backend answers 504 once the request
// timeout of the winning Timeout passes, 200 when a changed policy allows longer, and 200 again
// once the policy is deleted; a sidecar's TCP outbound closes a connection idle longer than the
// Timeout's `tcp.idleTimeout`. Nothing is restarted between the steps.
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlPlane } from '../../src/runtime/control-plane.js';
import { deleteResource, putResource, runDataplane, startTestControlPlane, tearDown } from '../support/mesh-proxies.js';
import { eventually, freePort, request, type Running } from '../support/processes.js';

/** Listens on an OS-chosen loopback port; closing also ends the open connections. */
async function listenClosable(server: net.Server): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An HTTP server answering after `?delay=<ms>` milliseconds. */
function slowBackend(): Promise<{ port: number; close(): Promise<void> }> {
  return listenClosable(
    http.createServer((req, res) => {
      const delay = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('delay') ?? '0');
      setTimeout(() => res.end('done'), delay);
    }),
  );
}

/** A TCP echo server. */
function echoBackend(): Promise<{ port: number; close(): Promise<void> }> {
  return listenClosable(net.createServer((s) => s.pipe(s)));
}

/** Milliseconds until the proxy closes a connection that echoed once and then stayed idle. */
function idleCloseAfter(port: number, limitMs: number): Promise<number | 'open'> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let echoedAt = 0;
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('open');
    }, limitMs);
    socket.once('data', () => (echoedAt = Date.now()));
    socket.once('close', () => {
      clearTimeout(timer);
      if (echoedAt === 0) reject(new Error('closed before echoing'));
      else resolve(Date.now() - echoedAt);
    });
    socket.on('error', () => undefined);
    socket.write('ping');
  });
}

const SLOW_TIMEOUT = {
  type: 'Timeout',
  mesh: 'default',
  name: 'slow-timeout',
  sources: [{ match: { 'kuma.io/service': 'edge' } }],
  destinations: [{ match: { 'kuma.io/service': 'slow' } }],
};

describe('the Timeout policy, with the real Envoy', () => {
  let cp: ControlPlane;
  const envoys: Running[] = [];
  const backends: { close(): Promise<void> }[] = [];
  let dir = '';
  let gatewayPort = 0;
  let outboundPort = 0;

  const put = (doc: Record<string, unknown>) => putResource(cp, doc);
  const slow = (delayMs: number) => request(`http://127.0.0.1:${gatewayPort}/slow?delay=${delayMs}`);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'portico-timeout-'));
    cp = await startTestControlPlane();
    await put({ type: 'Mesh', name: 'default' });
    const backend = await slowBackend();
    const echo = await echoBackend();
    backends.push(backend, echo);
    await put({ type: 'Dataplane', mesh: 'default', name: 'slow-1', networking: { address: '127.0.0.1', inbound: [{ port: backend.port, tags: { 'kuma.io/service': 'slow', 'kuma.io/protocol': 'http' } }] } });
    await put({ type: 'Dataplane', mesh: 'default', name: 'echo-1', networking: { address: '127.0.0.1', inbound: [{ port: echo.port, tags: { 'kuma.io/service': 'echo' } }] } });
    gatewayPort = await freePort();
    await put({ type: 'MeshGateway', mesh: 'default', name: 'edge', selectors: [{ match: { 'kuma.io/service': 'edge' } }], conf: { listeners: [{ port: gatewayPort, protocol: 'HTTP' }] } });
    await put({
      type: 'MeshGatewayRoute',
      mesh: 'default',
      name: 'slow',
      selectors: [{ match: { 'kuma.io/service': 'edge' } }],
      conf: { http: { rules: [{ matches: [{ path: { match: 'PREFIX', value: '/' } }], backends: [{ destination: { 'kuma.io/service': 'slow' } }] }] } },
    });
    await put({ ...SLOW_TIMEOUT, conf: { http: { requestTimeout: '500ms' } } });
    envoys.push((await runDataplane(cp, dir, { type: 'Dataplane', mesh: 'default', name: 'gw-1', networking: { address: '127.0.0.1', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge' } } } })).process);
    // A sidecar of `client` with a TCP outbound to `echo`, which has no Envoy of its own: the
    // outbound's endpoint is the echo server itself.
    outboundPort = await freePort();
    const clientPort = await freePort();
    envoys.push(
      (
        await runDataplane(cp, dir, {
          type: 'Dataplane',
          mesh: 'default',
          name: 'client-1',
          networking: { address: '127.0.0.1', inbound: [{ port: clientPort, servicePort: clientPort + 1, tags: { 'kuma.io/service': 'client' } }], outbound: [{ port: outboundPort, tags: { 'kuma.io/service': 'echo' } }] },
        })
      ).process,
    );
    await eventually(async () => (await slow(0).catch(() => ({ status: 0 }))).status === 200, 45_000, 'traffic through the gateway');
  }, 90_000);

  afterAll(() => tearDown(envoys, backends, cp, dir));

  it('a request slower than the request timeout gets 504; a faster one 200', async () => {
    expect((await slow(0)).status).toBe(200);
    const started = Date.now();
    expect((await slow(3000)).status).toBe(504);
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('a longer request timeout lets the same request through, with nothing restarted', async () => {
    await put({ ...SLOW_TIMEOUT, conf: { http: { requestTimeout: '10s' } } });
    await eventually(async () => (await slow(1500)).status === 200, 30_000, 'the longer timeout applied');
  });

  it('deleting the policy leaves no request timeout of its own', async () => {
    await put({ ...SLOW_TIMEOUT, conf: { http: { requestTimeout: '500ms' } } });
    await eventually(async () => (await slow(1500)).status === 504, 30_000, 'the short timeout applied again');
    await deleteResource(cp, SLOW_TIMEOUT);
    await eventually(async () => (await slow(1500)).status === 200, 30_000, 'the policy deleted');
  });

  it("a sidecar's TCP outbound closes a connection idle longer than tcp.idleTimeout", async () => {
    await eventually(async () => (await idleCloseAfter(outboundPort, 1_000).catch(() => 'error')) === 'open', 30_000, 'the outbound serving, without an idle timeout');
    await put({ type: 'Timeout', mesh: 'default', name: 'echo-idle', sources: [{ match: { 'kuma.io/service': 'client' } }], destinations: [{ match: { 'kuma.io/service': 'echo' } }], conf: { tcp: { idleTimeout: '1s' } } });
    let closedAfter: number | 'open' | 'error' = 'open';
    await eventually(async () => {
      closedAfter = await idleCloseAfter(outboundPort, 5_000).catch(() => 'error' as const);
      return typeof closedAfter === 'number';
    }, 30_000, 'the idle timeout applied');
    expect(closedAfter).toBeGreaterThanOrEqual(900);
    expect(closedAfter).toBeLessThan(4_000);
  });
});
