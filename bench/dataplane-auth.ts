// What dataplane authentication costs (docs/dataplane-auth.md):
// - per stream: time from opening an ADS stream to its first response (CDS), on a control plane
//   with dataplane tokens and on one with `--dp-auth none`, same seed, same simulated proxy;
// - token verification throughput: `DataplaneTokens.validate` (signature, claims, revocation
//   read) and the whole universal check (plus the stored-Dataplane binding), in ops/s.
// In-process control planes on the memory store, real gRPC over TLS on loopback (the default).
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { DEFAULT_CONFIG, startControlPlane, type ControlPlane } from '../src/runtime/control-plane.js';
import { dataplaneTokenAuthenticator, type DataplaneAuthType } from '../src/runtime/dataplane-authentication.js';
import { DataplaneTokens } from '../src/tokens/dataplane-token.js';
import { TypeUrl } from '../src/xds/cache/resource-types.js';
import { AdsClient } from '../test/support/ads-client.js';
import { summarize, type BenchResult } from './harness.js';

async function seededControlPlane(dataplaneAuth: DataplaneAuthType): Promise<{ cp: ControlPlane; token: string }> {
  const cp = await startControlPlane({ ...DEFAULT_CONFIG, store: 'memory', apiPort: 0, xdsPort: 0, debounceMs: 10, dataplaneAuth, logger: pino({ level: 'silent' }) });
  const api = `http://127.0.0.1:${cp.apiPort}`;
  const put = async (path: string, doc: Record<string, unknown>) => {
    const res = await fetch(`${api}${path}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(doc) });
    if (res.status >= 300) throw new Error(`PUT ${path}: ${res.status} ${await res.text()}`);
  };
  await put('/meshes/default', { type: 'Mesh', name: 'default' });
  await put('/meshes/default/dataplanes/gw-1', { type: 'Dataplane', mesh: 'default', name: 'gw-1', networking: { address: '127.0.0.1', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge' } } } });
  await put('/meshes/default/meshgateways/edge', { type: 'MeshGateway', mesh: 'default', name: 'edge', selectors: [{ match: { 'kuma.io/service': 'edge' } }], conf: { listeners: [{ port: 8080, protocol: 'HTTP' }] } });
  await cp.flush();
  // Issued on both control planes so the signing key exists either way; sent only where checked.
  const res = await fetch(`${api}/tokens/dataplane`, { method: 'POST', body: JSON.stringify({ mesh: 'default', name: 'gw-1', validFor: '1h' }) });
  if (res.status !== 200) throw new Error(`POST /tokens/dataplane: ${res.status}`);
  return { cp, token: await res.text() };
}

/** Milliseconds from opening a stream to its first CDS response. */
async function streamToFirstResponse(cp: ControlPlane, metadata: Record<string, string>): Promise<number> {
  const ca = readFileSync(cp.caFile!, 'utf8');
  const t0 = performance.now();
  const client = AdsClient.connect(`127.0.0.1:${cp.xdsPort}`, 'default.gw-1', 'delta', { metadata, ca });
  client.subscribe(TypeUrl.Cluster);
  await client.waitFor(TypeUrl.Cluster);
  const elapsed = performance.now() - t0;
  client.close();
  return elapsed;
}

/**
 * `runs` samples of each, interleaved (with auth, without, with, ...) so machine noise and JIT
 * warm-up fall on both alike; five untimed rounds first.
 */
async function interleaved(a: () => Promise<number>, b: () => Promise<number>, runs: number): Promise<[number[], number[]]> {
  const [as, bs]: [number[], number[]] = [[], []];
  for (let i = -5; i < runs; i++) {
    const [x, y] = [await a(), await b()];
    if (i >= 0) {
      as.push(x);
      bs.push(y);
    }
    // Stay under the control plane's stream admission rate (about 25 new streams/s on 2 cores).
    await new Promise((r) => setTimeout(r, 60));
  }
  return [as, bs];
}

/** Calls per second of `fn` over about `ms` milliseconds, after a short warm-up. */
async function throughput(fn: () => Promise<unknown>, ms: number): Promise<number> {
  for (let i = 0; i < 20; i++) await fn();
  let ops = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    await fn();
    ops += 1;
  }
  return Math.round((ops * 1000) / (performance.now() - start));
}

/** Per-stream authentication cost and token verification throughput. */
export async function benchDataplaneAuth(runs = 50): Promise<BenchResult> {
  const withAuth = await seededControlPlane('dpToken');
  const withoutAuth = await seededControlPlane('none');
  try {
    const [authed, open] = await interleaved(
      () => streamToFirstResponse(withAuth.cp, { authorization: withAuth.token }),
      () => streamToFirstResponse(withoutAuth.cp, {}),
      runs,
    );
    const tokens = new DataplaneTokens(withAuth.cp.store);
    const check = dataplaneTokenAuthenticator(withAuth.cp.store, tokens, Date.now);
    const proxy = { mesh: 'default', name: 'gw-1' };
    const validate = await throughput(async () => {
      const r = await tokens.validate(withAuth.token, 'default', Date.now());
      if (!r.ok) throw new Error(r.message);
    }, 2000);
    const authenticate = await throughput(async () => {
      const r = await check({ credential: withAuth.token, proxy });
      if (!r.ok) throw new Error(r.message);
    }, 2000);
    const a = summarize(authed);
    const b = summarize(open);
    return {
      id: 'dataplane-auth',
      description: 'ADS stream open -> first CDS response with dataplane tokens vs --dp-auth none (delta, memory store, one stream at a time, interleaved); token checks per second',
      metrics: {
        streamToFirstResponseWithAuth: a,
        streamToFirstResponseWithoutAuth: b,
        authCostPerStreamMedianMs: Math.round((a.median - b.median) * 1000) / 1000,
        tokenValidate: `${validate} ops/s`,
        tokenAuthenticateWithBinding: `${authenticate} ops/s`,
      },
    };
  } finally {
    await withAuth.cp.stop();
    await withoutAuth.cp.stop();
  }
}
