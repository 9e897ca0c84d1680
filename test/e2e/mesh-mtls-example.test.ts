// End to end with real Envoys on the example examples/universal/mtls/ (its fixed ports replaced by
// free ones; docs/mesh-mtls.md §7, §8, docs/gateway.md §2.17): an application in mesh-b calls its sidecar's
// outbound tagged `kuma.io/mesh: mesh-a`; the sidecar speaks mTLS with mesh-b's identity to
// mesh-a's cross-mesh gateway listener, whose route forwards over mesh-a's mTLS to the orders
// sidecar. A plain client standing in for Kong goes through the delegated gateway's outbound, and an
// outside client through the gateway's HTTP listener. Turning mTLS off in mesh-b breaks the
// cross-mesh call (the gateway's chain needs mesh mTLS); turning it on again restores it.
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { ControlPlane } from '../../src/runtime/control-plane.js';
import { httpBackend, type Backend } from '../support/backends.js';
import { putResource, runDataplane, startTestControlPlane, tearDown } from '../support/mesh-proxies.js';
import { eventually, freePort, REPO_ROOT, request, type Running } from '../support/processes.js';

const EXAMPLE = path.join(REPO_ROOT, 'examples', 'universal', 'mtls');
/** The example's fixed ports, each replaced by a free one. */
const EXAMPLE_PORTS = [8080, 9080, 8081, 20081, 33033, 20091, 8091, 30001] as const;

describe('the mTLS example: a cross-mesh gateway, a delegated gateway and sidecars, with real Envoys', () => {
  let cp: ControlPlane;
  let backend: Backend;
  const envoys: Running[] = [];
  let dir = '';
  const ports = new Map<number, number>();

  /** An example file's documents with its ports replaced (the orders application's by the backend's). */
  function documents(file: string): Record<string, unknown>[] {
    let text = readFileSync(path.join(EXAMPLE, file), 'utf8');
    for (const [from, to] of ports) text = text.replace(new RegExp(`([pP]ort: )${from}\\b`, 'g'), `$1${to}`);
    return parseAllDocuments(text).map((d) => d.toJSON() as Record<string, unknown>);
  }

  const put = (doc: Record<string, unknown>) => putResource(cp, doc);

  /** `portico dp run` of one example Dataplane file. */
  async function runProxy(file: string): Promise<void> {
    const [doc] = documents(file);
    envoys.push((await runDataplane(cp, dir, doc!)).process);
  }
  const via = (examplePort: number, p: string) => request(`http://127.0.0.1:${ports.get(examplePort)}${p}`).catch(() => ({ status: 0, body: '', headers: {} }));
  const crossMesh = () => via(30001, '/orders');
  const meshB = () => documents('meshes.yaml').find((d) => d.name === 'mesh-b')!;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'portico-mtls-example-'));
    cp = await startTestControlPlane();
    backend = await httpBackend('orders');
    for (const p of EXAMPLE_PORTS) ports.set(p, p === 8081 ? backend.port : await freePort());
    for (const doc of documents('meshes.yaml')) await put(doc);
    for (const file of ['orders-1.yaml', 'edge-1.yaml', 'kong-1.yaml', 'shop-1.yaml']) await runProxy(file);
    await eventually(async () => (await crossMesh()).status === 200, 60_000, 'mesh-b reaching mesh-a through the cross-mesh gateway');
  }, 120_000);

  afterAll(() => tearDown(envoys, [backend], cp, dir));

  const lastCaller = () => String(backend.seen.at(-1)?.headers['x-forwarded-client-cert']);

  it("reaches mesh-a's service through its cross-mesh listener; the service sees the gateway's identity", async () => {
    const res = await crossMesh();
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ name: 'orders', path: '/orders' });
    expect(lastCaller()).toMatch(/URI=spiffe:\/\/mesh-a\/edge(;|$)/);
  });

  it("reaches it through the delegated gateway's outbound, with the delegated gateway's identity", async () => {
    await eventually(async () => (await via(33033, '/from-kong')).status === 200, 30_000, 'traffic through the delegated gateway');
    expect(lastCaller()).toMatch(/URI=spiffe:\/\/mesh-a\/kong(;|$)/);
  }, 60_000);

  it("reaches it through the gateway's plain HTTP listener", async () => {
    await eventually(async () => (await via(8080, '/from-outside')).status === 200, 30_000, 'traffic through the HTTP listener');
    expect(lastCaller()).toMatch(/URI=spiffe:\/\/mesh-a\/edge(;|$)/);
  }, 60_000);

  it('breaks when mesh-b turns mTLS off, and recovers when it turns it back on', async () => {
    const on = meshB();
    await put({ ...on, mtls: { ...(on.mtls as object), enabledBackend: '' } });
    await eventually(async () => (await crossMesh()).status !== 200, 30_000, 'the call failing without mesh-b mTLS');
    await put(on);
    await eventually(async () => (await crossMesh()).status === 200, 30_000, 'the call working again');
  }, 90_000);
});
