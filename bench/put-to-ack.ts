// Change-to-ACK (docs/xds-server.md §20 S3, K = 1 real Envoy): time from a REST PUT of a route change
// to the real Envoy's ACK of the new route configuration, as recorded by the server's delivery
// status. Runs the control plane in-process (embedded store, real gRPC, real HTTP) and Envoy
// through `portico dp run`, exactly as a user would.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { DEFAULT_CONFIG, startControlPlane } from '../src/runtime/control-plane.js';
import { freePort, PORTICO_BIN, start } from '../test/support/processes.js';
import { summarize, type BenchResult } from './harness.js';

const RDS = 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration';

function route(version: number): Record<string, unknown> {
  return {
    type: 'MeshGatewayRoute',
    mesh: 'default',
    name: 'bench-route',
    selectors: [{ match: { 'kuma.io/service': 'edge-gateway' } }],
    conf: {
      http: {
        rules: [
          {
            matches: [{ path: { match: 'PREFIX', value: `/v${version}` } }],
            backends: [{ destination: { 'kuma.io/service': 'echo' } }],
          },
        ],
      },
    },
  };
}

/** Median PUT -> ACK latency over `runs` changes, with the given debounce quiet period. */
export async function benchPutToAck(runs = 20, debounceMs = DEFAULT_CONFIG.debounceMs): Promise<BenchResult> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'portico-bench-'));
  const cp = await startControlPlane({ ...DEFAULT_CONFIG, store: 'embedded', dataDir, apiPort: 0, xdsPort: 0, debounceMs, logger: pino({ level: 'silent' }) });
  const gatewayPort = await freePort();
  const adminPort = await freePort();
  const api = `http://127.0.0.1:${cp.apiPort}`;
  const put = async (doc: Record<string, unknown>) => {
    const kind = doc.type === 'Mesh' ? '' : `/${String(doc.type).toLowerCase()}s/${String(doc.name)}`;
    const url = doc.type === 'Mesh' ? `${api}/meshes/${String(doc.name)}` : `${api}/meshes/${String(doc.mesh)}${kind}`;
    const res = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(doc) });
    if (res.status >= 300) throw new Error(`PUT ${url}: ${res.status} ${await res.text()}`);
  };
  await put({ type: 'Mesh', name: 'default' });
  await put({ type: 'Dataplane', mesh: 'default', name: 'echo-1', networking: { address: '127.0.0.1', inbound: [{ port: 9, tags: { 'kuma.io/service': 'echo' } }] } });
  await put({
    type: 'MeshGateway',
    mesh: 'default',
    name: 'edge',
    selectors: [{ match: { 'kuma.io/service': 'edge-gateway' } }],
    conf: { listeners: [{ port: gatewayPort, protocol: 'HTTP' }] },
  });
  await put(route(0));
  const dpFile = path.join(dataDir, 'gateway.yaml');
  writeFileSync(dpFile, 'type: Dataplane\nmesh: default\nname: edge-1\nnetworking:\n  address: 127.0.0.1\n  gateway: {type: BUILTIN, tags: {kuma.io/service: edge-gateway}}\n');
  const tokenRes = await fetch(`${api}/tokens/dataplane`, { method: 'POST', body: JSON.stringify({ mesh: 'default', name: 'edge-1', validFor: '1h' }) });
  if (tokenRes.status !== 200) throw new Error(`POST /tokens/dataplane: ${tokenRes.status} ${await tokenRes.text()}`);
  const tokenFile = path.join(dataDir, 'edge-1.token');
  writeFileSync(tokenFile, await tokenRes.text(), { mode: 0o600 });
  const envoy = start(process.execPath, [
    PORTICO_BIN, 'dp', 'run', '--cp', `https://127.0.0.1:${cp.xdsPort}`, '--ca-cert-file', cp.caFile!, '--dataplane-file', dpFile, '--dataplane-token-file', tokenFile,
    '--admin-port', String(adminPort), '--log-level', 'warn', '--drain-time', '1',
  ]);
  const nodeId = 'default.edge-1';
  const nextAck = () =>
    new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no RDS ACK within 30 s:\n${envoy.output().slice(-2000)}`)), 30_000);
      const off = cp.cache.delivery.onAck((e) => {
        if (e.nodeId === nodeId && e.typeUrl === RDS) {
          off();
          clearTimeout(timer);
          resolve(performance.now());
        }
      });
    });
  try {
    await nextAck();
    const samples: number[] = [];
    for (let i = 1; i <= runs; i++) {
      const acked = nextAck();
      const t0 = performance.now();
      await put(route(i));
      samples.push((await acked) - t0);
    }
    return {
      id: `S3-put-to-ack-1envoy-debounce${debounceMs}ms`,
      description: `REST PUT of a route change -> real Envoy ACK of the new RDS version (delta ADS, embedded store, debounce quiet ${debounceMs} ms)`,
      metrics: { putToAck: summarize(samples) },
    };
  } finally {
    await envoy.stop();
    await cp.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
